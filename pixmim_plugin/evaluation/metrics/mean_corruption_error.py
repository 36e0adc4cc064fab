"""Mean corruption error (mCE) on ImageNet-C (`Hendrycks and Dietterich,
2019 <https://arxiv.org/abs/1903.12261>`_)."""
import json
import logging
from collections import defaultdict
from typing import Dict, Mapping, Optional, Sequence, Tuple, Union

import numpy as np
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log
from mmpretrain.registry import METRICS

from pixmim_plugin.datasets.imagenet_c import CORRUPTIONS

# the severities of the benchmark, over which AlexNet's errors are averaged
SEVERITIES = (1, 2, 3, 4, 5)
# AlexNet's error per corruption, averaged over the 5 severities
# (fractions), the reference of the published mCE; it normalises the
# errors of all 5 severities of its corruption and nothing less
ALEXNET_ERRORS = {
    'gaussian_noise': 0.886428,
    'shot_noise': 0.894468,
    'impulse_noise': 0.922640,
    'defocus_blur': 0.819880,
    'glass_blur': 0.826268,
    'motion_blur': 0.785948,
    'zoom_blur': 0.798360,
    'snow': 0.866816,
    'frost': 0.826572,
    'fog': 0.819324,
    'brightness': 0.564592,
    'contrast': 0.853204,
    'elastic_transform': 0.646056,
    'pixelate': 0.717840,
    'jpeg_compression': 0.606500,
}

Reference = Union[float, Sequence[float]]


def check_reference(reference: Mapping[str, Reference],
                    corruptions: Sequence[str]) -> None:
    """Raise a ValueError unless every corruption of ``corruptions`` has a
    reference error in (0, 1]: one number (the mean over severities 1-5) or
    five (severities 1..5)."""
    for c in corruptions:
        value = reference.get(c)
        if isinstance(value, (int, float)):
            values = [value]
        elif isinstance(value, Sequence) and len(value) == len(SEVERITIES):
            values = list(value)
        else:
            values = [None]
        if not all(isinstance(v, (int, float)) and 0 < v <= 1 for v in values):
            raise ValueError(f'reference error of {c} must be a number in '
                             '(0, 1] (the mean over severities 1-5) or 5 '
                             f'such numbers (severities 1..5), got {value}')


def _reference_sum(value: Reference,
                   severities: Sequence[int]) -> Optional[float]:
    """The reference error summed over ``severities``, or None where a
    five-severity mean cannot give it (any other set than 1..5)."""
    if isinstance(value, (int, float)):
        return value * len(SEVERITIES) if tuple(
            severities) == SEVERITIES else None
    return sum(value[s - 1] for s in severities)


def corruption_errors(errors: Mapping[Tuple[str, int], float],
                      reference: Mapping[str, Reference],
                      corruptions: Sequence[str] = CORRUPTIONS) -> Dict:
    """mCE and its parts from per-(corruption, severity) errors.

    ``CE_c = sum_s E_{s,c} / sum_s E^ref_{s,c}`` over the same severities
    (hendrycks/robustness: 1..5). A reference given as one number per
    corruption is its mean over severities 1-5 (AlexNet's, as published)
    and normalises those five only; one given as five numbers normalises
    any set of severities.

    Only the benchmark, the 15 corruptions at severities 1-5, gives ``mCE``
    and ``CE/<c>``. A run over fewer corruptions or severities (or over
    other corruptions) gives ``mCE_partial`` and, for fewer severities,
    ``CE_partial/<c>``, with the corruptions and severities in the log;
    fewer severities with a five-severity-mean reference give no CE at all
    (logged), only the errors.

    Args:
        errors (Mapping[tuple[str, int], float]): Error (fraction) of each
            ``(corruption, severity)``; every corruption run must have the
            same severities. Corruptions outside ``corruptions`` (the 4
            extra ones) are reported but left out of every mean.
        reference (Mapping[str, float | Sequence[float]]): Reference error
            (fraction) of each corruption in ``corruptions``.
        corruptions (Sequence[str]): The corruptions averaged, those of
            them with results.

    Returns:
        dict: In percent: ``mCE`` or ``mCE_partial``, ``CE/<c>`` or
        ``CE_partial/<c>`` (as above), ``mean_error`` (unnormalised, over
        the averaged corruptions x severities), ``error/<c>`` (mean over
        severities) and ``error/severity_<s>`` (mean over the averaged
        corruptions).
    """
    by_corruption = defaultdict(dict)
    for (corruption, severity), error in errors.items():
        by_corruption[corruption][severity] = error
    averaged = [c for c in corruptions if c in by_corruption]
    if not averaged:
        raise ValueError(f'no results for any of {list(corruptions)}')
    severities = sorted(by_corruption[averaged[0]])
    for c in averaged:
        if sorted(by_corruption[c]) != severities:
            raise ValueError(f'{c} has severities {sorted(by_corruption[c])}'
                             f', {averaged[0]} has {severities}')
    out = {}
    for c in sorted(by_corruption):
        out[f'error/{c}'] = 100 * np.mean(list(by_corruption[c].values()))
    out['mean_error'] = np.mean([out[f'error/{c}'] for c in averaged])
    for s in severities:
        out[f'error/severity_{s}'] = 100 * np.mean(
            [by_corruption[c][s] for c in averaged])
    ran = f'corruptions {averaged} at severities {severities}'
    refs = [_reference_sum(reference[c], severities) for c in averaged]
    if None in refs:
        print_log(
            f'no CE or mCE: {ran}, but the reference errors are means over'
            ' severities 1-5 and normalise all five only (give five '
            'reference errors per corruption for a subset)', 'current',
            logging.WARNING)
        return {k: float(v) for k, v in out.items()}
    all_severities = tuple(severities) == SEVERITIES
    ces = []
    for c, ref in zip(averaged, refs):
        ce = sum(by_corruption[c].values()) / ref
        out[f'CE/{c}' if all_severities else f'CE_partial/{c}'] = 100 * ce
        ces.append(ce)
    if all_severities and sorted(averaged) == sorted(CORRUPTIONS):
        out['mCE'] = 100 * np.mean(ces)
    else:
        out['mCE_partial'] = 100 * np.mean(ces)
        print_log(
            f'mCE_partial: the mean CE over {ran}, not the benchmark mCE '
            f'(the {len(CORRUPTIONS)} corruptions at severities 1-5)',
            'current', logging.WARNING)
    return {k: float(v) for k, v in out.items()}


@METRICS.register_module()
class MeanCorruptionError(BaseMetric):
    """mCE, per-corruption CE, per-severity and mean error of a classifier
    on :class:`ImageNetC`.

    Each data sample must carry ``corruption`` and ``severity``: list them
    in ``PackInputs``' ``meta_keys``. A run over fewer corruptions or
    severities than the benchmark's reports ``mCE_partial``, never ``mCE``
    (see :func:`corruption_errors`).

    Args:
        reference (str | dict, optional): The reference errors (fractions)
            by corruption name, each the mean over severities 1-5 or a list
            of 5 (severities 1..5): a dict or the path of a JSON file
            holding one. Defaults to AlexNet's means
            (:data:`ALEXNET_ERRORS`), which the published mCE uses.
        corruptions (Sequence[str]): The corruptions mCE averages. Defaults
            to the 15 of the benchmark; any other set gives
            ``mCE_partial``.
        **kwargs: ``collect_device`` and ``prefix`` of ``BaseMetric``.
    """
    default_prefix = 'imagenet-c'

    def __init__(self,
                 reference: Union[str, Mapping[str, Reference], None] = None,
                 corruptions: Sequence[str] = CORRUPTIONS,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        if isinstance(reference, str):
            with open(reference) as f:
                reference = json.load(f)
        self.reference = dict(ALEXNET_ERRORS if reference is
                              None else reference)
        self.corruptions = tuple(corruptions)
        check_reference(self.reference, self.corruptions)

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        """Store ``(corruption, severity, correct)`` per sample."""
        num_classes = len((self.dataset_meta or {}).get('classes', ())) or None
        for sample in data_samples:
            if 'corruption' not in sample:
                raise KeyError('samples carry no `corruption`: add '
                               "'corruption', 'severity' to PackInputs' "
                               'meta_keys')
            score = sample.get('pred_score')
            if (score is not None and num_classes
                    and score.numel() != num_classes):
                raise ValueError(f'the head has {score.numel()} outputs, the'
                                 f' dataset {num_classes} classes')
            correct = int(sample['pred_label'].flatten()[0]) == int(
                sample['gt_label'].flatten()[0])
            self.results.append(
                (sample['corruption'], int(sample['severity']), correct))

    def compute_metrics(self, results: list) -> dict:
        """The metrics of :func:`corruption_errors`."""
        hits = defaultdict(list)
        for corruption, severity, correct in results:
            hits[corruption, severity].append(correct)
        errors = {key: 1 - np.mean(v) for key, v in hits.items()}
        return corruption_errors(errors, self.reference, self.corruptions)
