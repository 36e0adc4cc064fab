from typing import Optional

import torch
from mmengine.model import BaseModule
from mmpretrain.registry import MODELS


@MODELS.register_module()
class FrequencyLoss(BaseModule):
    """The frequency loss of `Masked Frequency Modeling
    <https://arxiv.org/abs/2206.07706>`_.

    Per DFT bin (orthonormal 2-D DFT of prediction and target), the distance
    is the modulus of the complex difference,
    ``sqrt(dRe^2 + dIm^2 + eps)``. It is averaged over the bins of ``mask``
    (the frequencies the input lacked) **pooled over the batch**: the sum
    over images, channels and masked bins divided by ``C`` times the number
    of masked bins in the whole batch, as the official code does. Without a
    mask every bin counts (the SR / deblur / denoise baselines). Computed in
    float32 even under autocast. The focal-frequency weighting of the
    official code is not offered: no released config uses it.

    Args:
        eps (float): Added under the square root, for a finite gradient at
            zero difference. Defaults to 1e-12 (official).
        loss_weight (float): Multiplier of the loss. Defaults to 1.
    """

    def __init__(self, eps: float = 1e-12, loss_weight: float = 1.0) -> None:
        super().__init__()
        if not eps >= 0:
            raise ValueError(f'eps must be >= 0, got {eps!r}')
        self.eps = eps
        self.loss_weight = loss_weight

    def forward(self,
                pred: torch.Tensor,
                target: torch.Tensor,
                mask: Optional[torch.Tensor] = None) -> torch.Tensor:
        """Compute the loss.

        Args:
            pred (torch.Tensor): Predicted images (N, C, H, W).
            target (torch.Tensor): Clean images (N, C, H, W), same units.
            mask (torch.Tensor, optional): Boolean (N, 1, H, W) (or
                (N, C, H, W)) mask of the bins to count, in FFT order.

        Returns:
            torch.Tensor: A scalar.
        """
        if pred.shape != target.shape or pred.dim() != 4:
            raise ValueError('pred and target must both be (N, C, H, W), got '
                             f'{tuple(pred.shape)} and {tuple(target.shape)}')
        with torch.autocast(pred.device.type, enabled=False):
            # The DFT is linear: one transform of the difference suffices.
            diff = torch.fft.fft2(
                pred.float() - target.float(), norm='ortho')  # (N, C, H, W)
            dist = torch.sqrt(diff.real**2 + diff.imag**2 + self.eps)
            if mask is None:
                return self.loss_weight * dist.mean()
            weight = mask.to(dist.dtype).expand_as(dist)
            return self.loss_weight * (
                dist * weight).sum() / weight.sum().clamp(min=1)
