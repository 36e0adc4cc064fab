from typing import Dict, List

import torch
from mmpretrain.models import MFF
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from .pixmim import TargetGeneratorMixin


@MODELS.register_module()
class PixMIMMFF(TargetGeneratorMixin, MFF):
    """PixMIM on MFF: `Rethinking Pixel Reconstruction in Masked Image
    Modeling <https://arxiv.org/abs/2303.02416>`_ with the multi-level
    feature fusion of `Improving Pixel-based MIM by Reducing Wasted Modeling
    Capability <https://arxiv.org/abs/2308.00261>`_.

    mmpretrain's ``MFF`` (backbone ``MFFViT``) reconstructing
    ``target_generator(inputs)``, usually
    ``dict(type='LowFreqTargetGenerator', radius=40)``. Masking, fusion,
    decoder, ``norm_pix`` and loss are MFF's, and so are the logged fusion
    weights ``weight_i``; see :class:`mmpretrain.models.MFF`.
    """

    def loss(self, inputs: torch.Tensor, data_samples: List[DataSample],
             **kwargs) -> Dict[str, torch.Tensor]:
        """Reconstruct the target of the masked patches.

        Args:
            inputs (torch.Tensor): Normalised images (N, C, H, W).
            data_samples (List[DataSample]): Unused by MFF.

        Returns:
            Dict[str, torch.Tensor]: ``loss`` and, per fused layer ``i``,
            its softmax weight ``weight_i`` (a scalar, logged only).
            Plus the target generator's :meth:`target_log_vars`.
        """
        target = self.reconstruction_target(inputs)
        latent, mask, ids_restore, weights = self.backbone(inputs)  # (K, )
        pred = self.neck(latent, ids_restore)
        losses = dict(loss=self.head.loss(pred, target, mask))
        losses.update({
            f'weight_{i}': weight
            for i, weight in enumerate(weights)
        })
        losses.update(self.target_log_vars())
        return losses
