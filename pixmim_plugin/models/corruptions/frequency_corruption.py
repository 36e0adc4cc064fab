from typing import Optional, Sequence, Tuple

import torch
from mmpretrain.registry import MODELS

from pixmim_plugin.frequency import check_radius, half_disc_mask, low_pass
from pixmim_plugin.frequency.fused import blend
from .base import CorruptedBatch, PixelCorruption


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

    The result equals un-normalising, filtering the pixels, clamping and
    normalising again, but takes one exact low-pass of the normalised images
    (:func:`~pixmim_plugin.frequency.low_pass`, by its cheapest route: a
    truncated DFT of ``2 r + 1`` components per axis at the official sizes)
    and two passes over the batch: the low-pass keeps the zero frequency,
    so it commutes with the normalisation; a high-pass image is
    ``x - low(x)``, whose pixels ``high(x) * std`` are ``x - low(x) -
    mean / std`` once normalised; and clamping pixels to ``pixel_range`` is
    clamping normalised images to ``(pixel_range - mean) / std``. The loss
    takes the clean images and transforms ``pred - clean`` once.

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

    def sample_low_pass(self, num: int, device: torch.device) -> torch.Tensor:
        """Draw the polarity of ``num`` images: bool (num, ), True for a
        low-pass image, with probability ``low_pass_prob``."""
        return torch.rand(num, device=device) < self.low_pass_prob

    @torch.no_grad()
    def forward(self, inputs: torch.Tensor, mean: torch.Tensor,
                std: torch.Tensor) -> CorruptedBatch:
        """Low- or high-pass each normalised image; the loss covers the
        removed bins.

        Args:
            inputs (torch.Tensor): Normalised images (N, C, H, W).
            mean, std (torch.Tensor): The normalisation, (C, 1, 1).

        Returns:
            CorruptedBatch: float32 corrupted images (N, C, H, W) and the
            removed bins bool (N, 1, H, W // 2 + 1); no spectrum.
        """
        self.check_input(inputs)
        n, c, h, w = inputs.shape
        radius = self.radius_for(h, w)
        check_radius(radius, (h, w), name='radius')
        disc = half_disc_mask((h, w), radius, False, inputs.device)
        low = self.sample_low_pass(n, inputs.device)
        removed = torch.where(low.view(n, 1, 1, 1), ~disc, disc)
        with torch.autocast(inputs.device.type, enabled=False):
            mean, std = mean.float(), std.float()
            x = inputs.float()
            # the exact disc filter by the cheapest route for this size
            # (a truncated DFT at r = 16, 224 px): no full-size FFT here
            kept = low_pass(x, radius, inclusive=False)
            # high-pass image: x - low(x) - mean / std once normalised (the
            # pixels' mean is what the low-pass keeps of a constant); the
            # pixel range is (range - mean) / std once normalised
            bounds = [(p - mean) / std for p in self.pixel_range]
            corrupted = blend(x, kept, (~low).to(x.dtype).view(n, 1, 1, 1),
                              (mean / std).view(1, c, 1, 1),
                              torch.minimum(*bounds), torch.maximum(*bounds))
        return CorruptedBatch(corrupted, removed)

    def corrupt(self,
                pixels: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """:meth:`forward` on pixel images (no normalisation)."""
        one = pixels.new_ones(1, 1, 1)
        out = self(pixels, one * 0, one)
        return out.corrupted, out.loss_mask

    def extra_repr(self) -> str:
        return (f'radius={self.radius}, low_pass_prob={self.low_pass_prob}, '
                f'ref_size={self.ref_size}')
