from typing import Dict, List

import torch
from mmpretrain.models import iTPN
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from .pixmim import TargetGeneratorMixin


@MODELS.register_module()
class PixMIMiTPN(TargetGeneratorMixin, iTPN):
    """PixMIM's target on iTPN's pixel variant: `Rethinking Pixel
    Reconstruction in Masked Image Modeling
    <https://arxiv.org/abs/2303.02416>`_ on `iTPN
    <https://arxiv.org/abs/2211.12735>`_.

    mmpretrain's ``iTPN`` with ``iTPNHiViT(reconstruction_type='pixel')``,
    reconstructing ``target_generator(inputs)``, usually
    ``dict(type='LowFreqTargetGenerator', radius=40)``. iTPN's CLIP variant
    already uses ``target_generator`` for its CLIP teacher and is refused.
    Arguments as :class:`mmpretrain.models.iTPN`.

    Raises:
        ValueError: If the backbone's ``reconstruction_type`` is not
            ``'pixel'``.
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        kind = getattr(self.backbone, 'reconstruction_type', None)
        if kind != 'pixel':
            raise ValueError(
                "PixMIMiTPN needs backbone.reconstruction_type='pixel' (the "
                f'low-frequency target replaces pixels), got {kind!r}')

    def loss(self, inputs: torch.Tensor, data_samples: List[DataSample],
             **kwargs) -> Dict[str, torch.Tensor]:
        """Reconstruct the target of the masked patches.

        Args:
            inputs (torch.Tensor): Normalised images (N, C, H, W).
            data_samples (List[DataSample]): Unused by the pixel variant.

        Returns:
            Dict[str, torch.Tensor]: ``dict(loss=...)`` and the target
            generator's :meth:`target_log_vars`.
        """
        target = self.reconstruction_target(inputs)
        latent, mask, ids_restore = self.backbone(inputs)
        pred = self.neck(latent, ids_restore)
        return dict(
            loss=self.head.loss(pred, target, mask), **self.target_log_vars())
