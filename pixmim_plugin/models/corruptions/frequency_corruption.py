from typing import Optional, Sequence, Tuple

import torch
from mmpretrain.registry import MODELS

from pixmim_plugin.frequency import check_radius, disc_mask, split_bands
from .base import PixelCorruption


@MODELS.register_module()
class FrequencyCorruption(PixelCorruption):
    """The input corruption of `Masked Frequency Modeling
    <https://arxiv.org/abs/2206.07706>`_ (MFM).

    For each image independently, with probability ``low_pass_prob`` keep
    only the disc ``u^2 + v^2 < radius^2`` of its spectrum (low-pass: the
    model predicts the high frequencies), otherwise only the complement
    (high-pass: it predicts the low ones). One mask for all channels. The
    filtered image is clamped to the pixel range (high-pass images are
    mostly out of range), as in the official code.

    Args:
        radius (float): Disc radius in frequency bins. Defaults to 16, the
            official value at 224 px.
        low_pass_prob (float): Probability of the low-pass corruption, in
            [0, 1]. Official: 0.5 for ViTs, 0.3 for ResNet-50. Defaults to
            0.5.
        ref_size (int, optional): If given, ``radius`` is meant for images
            whose shorter side is ``ref_size`` and scales with the input.
            Defaults to None: the radius stays in bins, as the official code.
        pixel_range (Sequence[float]): See :class:`PixelCorruption`.
    """

    def __init__(self,
                 radius: float = 16,
                 low_pass_prob: float = 0.5,
                 ref_size: Optional[int] = None,
                 pixel_range: Sequence[float] = (0, 255),
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(pixel_range, init_cfg)
        check_radius(radius, ref_size, name='radius')
        if radius == 0:
            raise ValueError('radius must be > 0: the strict disc of radius 0 '
                             'is empty (a low-pass image would be all zero)')
        if isinstance(low_pass_prob, bool) or not isinstance(
                low_pass_prob, (int, float)) or not 0 <= low_pass_prob <= 1:
            raise ValueError(
                f'low_pass_prob must lie in [0, 1], got {low_pass_prob!r}')
        if ref_size is not None and (not isinstance(ref_size, int)
                                     or ref_size <= 0):
            raise ValueError(
                f'ref_size must be a positive int, got {ref_size!r}')
        self.radius = radius
        self.low_pass_prob = low_pass_prob
        self.ref_size = ref_size

    def radius_for(self, h: int, w: int) -> float:
        """The radius used on an ``h x w`` input."""
        if self.ref_size is None:
            return self.radius
        return self.radius * min(h, w) / self.ref_size

    def corrupt(self,
                pixels: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """Low- or high-pass each image; the loss covers the removed bins."""
        n, _, h, w = pixels.shape
        radius = self.radius_for(h, w)
        check_radius(radius, (h, w), name='radius')
        low, high = split_bands(pixels, radius, inclusive=False)
        keep_low = (torch.rand(n, device=pixels.device)
                    < self.low_pass_prob)[:, None, None, None]  # (N, 1, 1, 1)
        disc = disc_mask((h, w), radius, inclusive=False, device=pixels.device)
        removed = torch.where(keep_low, ~disc, disc)  # (N, 1, H, W)
        return self.clamp(torch.where(keep_low, low, high)), removed

    def extra_repr(self) -> str:
        return (f'radius={self.radius}, low_pass_prob={self.low_pass_prob}, '
                f'ref_size={self.ref_size}')
