"""Shape bias on cue-conflict stimuli (`Geirhos et al., 2019
<https://arxiv.org/abs/1811.12231>`_), the ratio rather than the shape
accuracy mmpretrain's ``ShapeBiasMetric`` returns."""
import os.path as osp
from collections import Counter
from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

import torch
from mmpretrain.evaluation import ShapeBiasMetric
from mmpretrain.registry import METRICS

from pixmim_plugin.datasets.cue_conflict import (CUE_CONFLICT_CATEGORIES,
                                                 parse_stimulus)

# the 16-class mapping of ImageNet indices, as mmpretrain carries it
IMAGENET_16_CLASS_INDICES = {
    c: list(getattr(ShapeBiasMetric, f'{c}_indices'))
    for c in CUE_CONFLICT_CATEGORIES
}


def shape_bias(decisions: Iterable[Tuple[str, str, str]]) -> Dict:
    """Shape bias of 16-class decisions on cue-conflict stimuli.

    Args:
        decisions (Iterable[tuple[str, str, str]]): ``(shape, texture,
            decision)`` per stimulus. Stimuli with shape == texture are left
            out; decisions matching neither cue count in the accuracies
            only.

    Returns:
        dict: ``shape_bias`` = #shape / (#shape + #texture) decisions,
        pooled, as a fraction (nan without either); ``shape_accuracy`` and
        ``texture_accuracy``: fractions of the kept stimuli; ``num``: kept
        stimuli; ``shape_bias/<category>``: the ratio on the stimuli of
        each shape category.
    """
    count, per_shape = Counter(), {}
    for shape, texture, decision in decisions:
        if shape == texture:
            continue
        cue = ('shape' if decision == shape else
               'texture' if decision == texture else 'other')
        count[cue] += 1
        per_shape.setdefault(shape, Counter())[cue] += 1

    def ratio(c: Counter) -> float:
        both = c['shape'] + c['texture']
        return c['shape'] / both if both else float('nan')

    num = sum(count.values())
    out = dict(
        shape_bias=ratio(count),
        shape_accuracy=count['shape'] / num if num else float('nan'),
        texture_accuracy=count['texture'] / num if num else float('nan'),
        num=num)
    for shape in sorted(per_shape):
        out[f'shape_bias/{shape}'] = ratio(per_shape[shape])
    return out


@METRICS.register_module()
class ShapeBias(ShapeBiasMetric):
    """Shape bias, per-category shape bias, shape and texture accuracy.

    The decision among the categories is the argmax of the *mean* softmax
    score over each category's output indices. Shape and texture come from
    the file name ``<shape>N-<texture>M.png``. With ``csv_dir`` the
    decisions are also written as mmpretrain's ``ShapeBiasMetric`` writes
    them (the model-vs-human CSV format), for
    ``tools/analysis/plot_shape_bias.py``.

    Args:
        category_indices (dict, optional): Output indices of each category.
            Defaults to the standard 16-class mapping of ImageNet indices
            (:data:`IMAGENET_16_CLASS_INDICES`).
        csv_dir (str, optional): Where to write the decisions. Defaults to
            None (no file).
        model_name (str): The model's name in the CSV file.
        **kwargs: ``collect_device`` and ``prefix`` of ``BaseMetric``.
    """
    default_prefix = 'cue-conflict'

    def __init__(self,
                 category_indices: Optional[Mapping[str,
                                                    Sequence[int]]] = None,
                 csv_dir: Optional[str] = None,
                 model_name: str = 'model',
                 **kwargs) -> None:
        super().__init__(csv_dir=csv_dir, model_name=model_name, **kwargs)
        indices = dict(category_indices or IMAGENET_16_CLASS_INDICES)
        if not indices or not all(len(v) for v in indices.values()):
            raise ValueError('category_indices must give each category at '
                             'least one index')
        self.categories = list(indices)
        self.indices = [torch.as_tensor(v) for v in indices.values()]

    def create_csv(self) -> Optional[str]:
        """The CSV file, only when ``csv_dir`` is given."""
        return super().create_csv() if self.csv_dir else None

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        """Store the ranked categories, shape, texture and file name."""
        top = max(int(i.max()) for i in self.indices)
        for sample in data_samples:
            score = sample['pred_score'].cpu()
            if score.numel() <= top:
                raise ValueError(
                    f'the head has {score.numel()} outputs; the category '
                    f'mapping reads index {top}: a 1000-way ImageNet head '
                    'is needed')
            means = torch.stack([score[i].mean() for i in self.indices])
            shape, texture = parse_stimulus(sample['img_path'])
            self.results.append(
                dict(
                    pred_category=[
                        self.categories[i]
                        for i in means.argsort(descending=True)
                    ],
                    gt_category=shape,
                    texture=texture,
                    img_name=osp.basename(sample['img_path'])))

    def compute_metrics(self, results: List[dict]) -> dict:
        """The values of :func:`shape_bias` (fractions) and ``top1`` (the
        shape accuracy, ``ShapeBiasMetric``'s number)."""
        if self.csv_path is not None:
            self.dump_results_to_csv(results)
        out = shape_bias(
            (r['gt_category'], r['texture'], r['pred_category'][0])
            for r in results)
        out['top1'] = out['shape_accuracy']
        return out
