from typing import Dict, List

import torch
from mmpretrain.models import SimMIM
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from .pixmim import TargetGeneratorMixin


@MODELS.register_module()
class PixMIMSimMIM(TargetGeneratorMixin, SimMIM):
    """PixMIM's target on SimMIM: `Rethinking Pixel Reconstruction in Masked
    Image Modeling <https://arxiv.org/abs/2303.02416>`_ on `SimMIM
    <https://arxiv.org/abs/2111.09886>`_.

    mmpretrain's ``SimMIM`` reconstructing ``target_generator(inputs)``,
    usually ``dict(type='LowFreqTargetGenerator', radius=40, ref_size=224)``.
    The mask (from ``SimMIMMaskGenerator`` in the pipeline), encoder, linear
    decoder and L1 loss on the masked pixels are SimMIM's; see
    :class:`mmpretrain.models.SimMIM`.
    """

    def loss(self, inputs: torch.Tensor, data_samples: List[DataSample],
             **kwargs) -> Dict[str, torch.Tensor]:
        """Reconstruct the target of the masked pixels.

        Args:
            inputs (torch.Tensor): Normalised images (N, C, H, W).
            data_samples (List[DataSample]): Each with the ``mask``
                (h, w) of the pipeline's ``SimMIMMaskGenerator``, 1 = masked.

        Returns:
            Dict[str, torch.Tensor]: ``dict(loss=...)`` and the target
            generator's :meth:`target_log_vars`.

        Raises:
            ValueError: If a data sample has no ``mask``.
        """
        if not data_samples or not all('mask' in s for s in data_samples):
            raise ValueError(
                'PixMIMSimMIM needs a mask in every data sample: put '
                "dict(type='SimMIMMaskGenerator', ...) in the train pipeline")
        target = self.reconstruction_target(inputs)
        mask = torch.stack([sample.mask for sample in data_samples])  # N,h,w
        latent = self.backbone(inputs, mask)
        pred = self.neck(latent[0])  # (N, C, H, W)
        return dict(
            loss=self.head.loss(pred, target, mask), **self.target_log_vars())
