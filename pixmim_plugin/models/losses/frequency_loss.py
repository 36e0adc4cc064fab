from typing import Optional

import torch
from mmengine.model import BaseModule
from mmpretrain.registry import MODELS

from pixmim_plugin.frequency import (half_spectrum_mask, hermitian_weights,
                                     spectral_distance_sum)


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

    The value is that of the full spectrum, computed on the ``rfft2`` half
    (the spectra of real images are Hermitian), with the target given as
    images (then one ``rfft2`` of ``pred - target`` serves both, the DFT
    being linear) or as their ``rfft2``.

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
            target (torch.Tensor): Clean images (N, C, H, W), same units,
                or their ``torch.fft.rfft2`` (default norm), complex
                (N, C, H, W // 2 + 1).
            mask (torch.Tensor, optional): bool, the bins to count, in FFT
                order, (N, 1) or (N, C) then either the full spectrum
                (H, W) or its ``rfft2`` half (H, W // 2 + 1), which stands
                for a symmetric full mask. Defaults to None: all bins.

        Returns:
            torch.Tensor: A float32 scalar.
        """
        if pred.dim() != 4:
            raise ValueError('pred must be (N, C, H, W), got '
                             f'{tuple(pred.shape)}')
        n, c, h, w = pred.shape
        half = (n, c, h, w // 2 + 1)
        if target.shape != (half if target.is_complex() else pred.shape):
            raise ValueError(
                f'pred and target must both be (N, C, H, W), or target their '
                f'rfft2 (N, C, H, W // 2 + 1) = {half}, got '
                f'{tuple(pred.shape)} and {tuple(target.shape)}')
        with torch.autocast(pred.device.type, enabled=False):
            if target.is_complex():
                x, spectrum = pred.float(), target.to(torch.complex64)
            else:  # one rfft2 of the difference: the DFT is linear
                # (a half-precision pred is promoted inside the subtraction)
                x, spectrum = torch.sub(pred, target.float()), None
                x = x.float()
            if mask is None:
                total = spectral_distance_sum(x, spectrum, eps=self.eps)
                return self.loss_weight * total / (n * c * h * w)
            mask = self._half_mask(mask, pred.shape)
            total = spectral_distance_sum(x, spectrum, mask, self.eps)
            # masked bins of the full spectrum, over the batch and channels
            count = (mask * hermitian_weights(w, mask.device)).sum() * (
                n * c / (mask.shape[0] * mask.shape[1]))
            return self.loss_weight * total / count.clamp(min=1)

    @staticmethod
    def _half_mask(mask: torch.Tensor, shape: torch.Size) -> torch.Tensor:
        """A mask of :meth:`forward` as float32 weights of the half."""
        n, c, h, w = shape
        if (mask.dim() != 4 or mask.shape[0] not in (1, n)
                or mask.shape[1] not in (1, c) or mask.shape[2] != h
                or mask.shape[3] not in (w, w // 2 + 1)):
            raise ValueError(
                f'mask must be (N or 1, C or 1, H, W) or its rfft2 half '
                f'(..., H, W // 2 + 1) for pred {tuple(shape)}, got '
                f'{tuple(mask.shape)}')
        if mask.shape[3] == w:
            return half_spectrum_mask(mask)
        return mask.float()
