"""Mean corruption error (mCE) on ImageNet-C (`Hendrycks and Dietterich,
2019 <https://arxiv.org/abs/1903.12261>`_)."""
import json
from collections import defaultdict
from typing import Dict, Mapping, Optional, Sequence, Tuple, Union

import numpy as np
from mmengine.evaluator import BaseMetric
from mmpretrain.registry import METRICS

from pixmim_plugin.datasets.imagenet_c import CORRUPTIONS

# AlexNet's error per corruption, averaged over the 5 severities
# (fractions), the reference of the published mCE
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


def corruption_errors(errors: Mapping[Tuple[str, int], float],
                      reference: Mapping[str, float],
                      corruptions: Sequence[str] = CORRUPTIONS) -> Dict:
    """mCE and its parts from per-(corruption, severity) errors.

    ``CE_c = sum_s E_{s,c} / sum_s E^ref_{s,c}``; with the reference given as
    its mean over the severities this is ``mean_s E_{s,c} / E^ref_c``.

    Args:
        errors (Mapping[tuple[str, int], float]): Error (fraction) of each
            ``(corruption, severity)``; corruptions outside ``corruptions``
            (the 4 extra ones) are reported but left out of every mean.
        reference (Mapping[str, float]): Reference mean error (fraction) of
            each corruption in ``corruptions``.
        corruptions (Sequence[str]): The corruptions mCE averages.

    Returns:
        dict: In percent: ``mCE``, ``mean_error`` (unnormalised, over the
        ``corruptions`` x severities), ``CE/<c>``, ``error/<c>`` (mean
        over severities) and ``error/severity_<s>`` (mean over
        ``corruptions``).
    """
    by_corruption = defaultdict(dict)
    for (corruption, severity), error in errors.items():
        by_corruption[corruption][severity] = error
    missing = [c for c in corruptions if c not in by_corruption]
    if missing:
        raise ValueError(f'no results for corruptions {missing}')
    severities = sorted(by_corruption[corruptions[0]])
    for c in corruptions:
        if sorted(by_corruption[c]) != severities:
            raise ValueError(f'{c} has severities {sorted(by_corruption[c])}'
                             f', {corruptions[0]} has {severities}')
    out = {}
    for c in sorted(by_corruption):
        out[f'error/{c}'] = 100 * np.mean(list(by_corruption[c].values()))
    ces = []
    for c in corruptions:
        ce = np.mean(list(by_corruption[c].values())) / reference[c]
        out[f'CE/{c}'] = 100 * ce
        ces.append(ce)
    out['mCE'] = 100 * np.mean(ces)
    out['mean_error'] = np.mean([out[f'error/{c}'] for c in corruptions])
    for s in severities:
        out[f'error/severity_{s}'] = 100 * np.mean(
            [by_corruption[c][s] for c in corruptions])
    return {k: float(v) for k, v in out.items()}


@METRICS.register_module()
class MeanCorruptionError(BaseMetric):
    """mCE, per-corruption CE, per-severity and mean error of a classifier
    on :class:`ImageNetC`.

    Each data sample must carry ``corruption`` and ``severity``: list them
    in ``PackInputs``' ``meta_keys``.

    Args:
        reference (str | dict, optional): The reference errors (fractions,
            mean over severities) by corruption name: a dict or the path of
            a JSON file holding one. Defaults to AlexNet's
            (:data:`ALEXNET_ERRORS`), which the published mCE uses.
        corruptions (Sequence[str]): The corruptions mCE averages. Defaults
            to the 15 of the benchmark.
        **kwargs: ``collect_device`` and ``prefix`` of ``BaseMetric``.
    """
    default_prefix = 'imagenet-c'

    def __init__(self,
                 reference: Optional[Union[str, Mapping[str, float]]] = None,
                 corruptions: Sequence[str] = CORRUPTIONS,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        if isinstance(reference, str):
            with open(reference) as f:
                reference = json.load(f)
        self.reference = dict(ALEXNET_ERRORS if reference is
                              None else reference)
        self.corruptions = tuple(corruptions)
        for c in self.corruptions:
            value = self.reference.get(c)
            if value is None or not 0 < value <= 1:
                raise ValueError(f'reference error of {c} must be in (0, 1],'
                                 f' got {value}')

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
