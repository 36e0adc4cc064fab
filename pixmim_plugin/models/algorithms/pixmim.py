from typing import Dict, List

import torch
from mmpretrain.models import MAE
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample


class TargetGeneratorMixin:
    """Gives a pixel-reconstruction algorithm a configurable target.

    ``BaseSelfSupervisor`` already builds ``target_generator`` from the
    config; an algorithm that mixes this in reconstructs
    ``self.reconstruction_target(inputs)`` instead of ``inputs``, which is
    the raw image when no generator is configured. PixMIM on another base
    method (MFF, SimMIM, ...) is the base class plus this mixin and the one
    line of its ``loss`` that names the target.
    """

    def reconstruction_target(self, inputs: torch.Tensor) -> torch.Tensor:
        """The target (N, C, H, W) for the normalised images ``inputs``."""
        if self.target_generator is None:
            return inputs
        return self.target_generator(inputs)

    def target_log_vars(self) -> Dict[str, torch.Tensor]:
        """What the target generator asks to log (e.g. the radius of
        :class:`AdaptiveLowFreqTargetGenerator`), for the loss dict: mmengine
        logs every entry and sums only the keys containing ``'loss'``."""
        log_vars = getattr(self.target_generator, 'log_vars', None)
        return log_vars() if log_vars is not None else {}


@MODELS.register_module()
class PixMIM(TargetGeneratorMixin, MAE):
    """PixMIM on MAE: `Rethinking Pixel Reconstruction in Masked Image
    Modeling <https://arxiv.org/abs/2303.02416>`_.

    MAE whose reconstruction target is ``target_generator(inputs)``, usually
    ``dict(type='LowFreqTargetGenerator', radius=40)``. Masking, decoder,
    ``norm_pix`` and loss are MAE's; see :class:`mmpretrain.models.MAE` for
    the arguments.
    """

    def loss(self, inputs: torch.Tensor, data_samples: List[DataSample],
             **kwargs) -> Dict[str, torch.Tensor]:
        """Reconstruct the target of the masked patches.

        Args:
            inputs (torch.Tensor): Normalised images (N, C, H, W).
            data_samples (List[DataSample]): Unused by MAE.

        Returns:
            Dict[str, torch.Tensor]: ``dict(loss=...)`` and the target
            generator's :meth:`target_log_vars`.
        """
        target = self.reconstruction_target(inputs)
        latent, mask, ids_restore = self.backbone(inputs)
        pred = self.neck(latent, ids_restore)
        return dict(
            loss=self.head.loss(pred, target, mask), **self.target_log_vars())
