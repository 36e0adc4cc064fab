"""Accuracy of a 1000-way classifier on a subset of ImageNet's classes
(ImageNet-A, ImageNet-R)."""
from typing import Optional, Sequence

from mmpretrain.evaluation import Accuracy
from mmpretrain.registry import METRICS


@METRICS.register_module()
class SubsetAccuracy(Accuracy):
    """mmpretrain's ``Accuracy`` on the subset's columns of the scores.

    The scores are read at ``indices`` (ascending ImageNet indices), so the
    prediction is the argmax over the subset's classes only and label ``k``
    is the ``k``-th index, as ImageNet-A and -R are evaluated.

    Args:
        indices (Sequence[int], optional): ImageNet-1k indices of the
            dataset's labels, ascending. Defaults to the dataset's
            ``metainfo['imagenet_indices']`` (see :class:`ImageNetSubset`).
        **kwargs: ``topk`` and the other arguments of ``Accuracy``.
    """

    def __init__(self,
                 indices: Optional[Sequence[int]] = None,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        if indices is not None and list(indices) != sorted(set(indices)):
            raise ValueError('indices must be ascending and distinct')
        self.indices = None if indices is None else list(indices)

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        """Store the subset's scores and the label of each sample."""
        indices = self.indices
        if indices is None:
            indices = (self.dataset_meta or {}).get('imagenet_indices')
            if indices is None:
                raise ValueError('no indices: pass them or use a dataset '
                                 'with metainfo imagenet_indices')
        for sample in data_samples:
            score = sample['pred_score']
            if score.numel() <= indices[-1]:
                raise ValueError(
                    f'the head has {score.numel()} outputs; this subset '
                    f'reads ImageNet index {indices[-1]}: it needs a '
                    '1000-way head')
            self.results.append(
                dict(
                    pred_score=score[indices].cpu(),
                    gt_label=sample['gt_label'].cpu()))
