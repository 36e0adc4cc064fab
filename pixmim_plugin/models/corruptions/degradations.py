"""The pretext tasks MFM compares against (paper Table 1, official code):
super-resolution, deblurring and denoising, each a corruption of the pixel
image; their loss covers the whole spectrum."""
from typing import Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from mmpretrain.registry import MODELS

from .base import PixelCorruption


@MODELS.register_module()
class DownUpSampleCorruption(PixelCorruption):
    """Super-resolution input: bicubic down-sampling by ``factor`` without
    antialiasing, clamp, bicubic up-sampling back, clamp.

    Args:
        factor (int): Down-sampling factor, >= 1. Defaults to 8
            (224 -> 28, official).
        mode (str): ``F.interpolate`` mode. Defaults to 'bicubic'.
        pixel_range (Sequence[float]): See :class:`PixelCorruption`.
    """

    def __init__(self,
                 factor: int = 8,
                 mode: str = 'bicubic',
                 pixel_range: Sequence[float] = (0, 255),
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(pixel_range, init_cfg)
        if isinstance(factor,
                      bool) or not isinstance(factor, int) or factor < 1:
            raise ValueError(f'factor must be an int >= 1, got {factor!r}')
        if mode not in ('nearest', 'bilinear', 'bicubic', 'area'):
            raise ValueError(f'mode must be nearest, bilinear, bicubic or '
                             f'area, got {mode!r}')
        self.factor = factor
        self.mode = mode

    def corrupt(self, pixels: torch.Tensor) -> Tuple[torch.Tensor, None]:
        h, w = pixels.shape[-2:]
        if min(h, w) < self.factor:
            raise ValueError(f'factor={self.factor} leaves nothing of a '
                             f'{h}x{w} image')
        corners = None if self.mode in ('nearest', 'area') else False
        small = F.interpolate(
            pixels,
            size=(h // self.factor, w // self.factor),
            mode=self.mode,
            align_corners=corners)
        up = F.interpolate(
            self.clamp(small),
            size=(h, w),
            mode=self.mode,
            align_corners=corners)
        return self.clamp(up), None


def gaussian_kernel1d(size: int, sigma: float) -> torch.Tensor:
    """Normalised 1-D Gaussian of odd ``size``; the 2-D isotropic kernel is
    its outer product with itself (float64)."""
    t = torch.arange(size, dtype=torch.float64) - size // 2
    g = torch.exp(-t**2 / (2 * sigma**2))
    return g / g.sum()


@MODELS.register_module()
class GaussianBlurCorruption(PixelCorruption):
    """Deblurring input: isotropic Gaussian blur with a kernel size drawn per
    image from ``kernel_sizes``; reflect-101 borders (OpenCV's default).

    Args:
        sigma (float): Standard deviation in pixels, > 0. Defaults to 5.
        kernel_sizes (Sequence[int]): Odd sizes to draw from uniformly.
            Defaults to 7, 9, ..., 21 (official).
        pixel_range (Sequence[float]): See :class:`PixelCorruption`.
    """

    def __init__(self,
                 sigma: float = 5.0,
                 kernel_sizes: Sequence[int] = tuple(range(7, 22, 2)),
                 pixel_range: Sequence[float] = (0, 255),
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(pixel_range, init_cfg)
        if not sigma > 0:
            raise ValueError(f'sigma must be > 0, got {sigma!r}')
        if not kernel_sizes or any(k < 1 or k % 2 == 0 for k in kernel_sizes):
            raise ValueError('kernel_sizes must be odd positive ints, got '
                             f'{kernel_sizes!r}')
        self.sigma = sigma
        self.kernel_sizes = tuple(int(k) for k in kernel_sizes)

    def corrupt(self, pixels: torch.Tensor) -> Tuple[torch.Tensor, None]:
        n, c = pixels.shape[:2]
        choice = torch.randint(len(self.kernel_sizes), (n, ))
        out = torch.empty_like(pixels)
        for i in choice.unique().tolist():
            size, rows = self.kernel_sizes[i], (choice == i).nonzero()[:, 0]
            g = gaussian_kernel1d(size, self.sigma).to(pixels)
            half = size // 2
            x = F.pad(
                pixels[rows.to(pixels.device)], (half, ) * 4, mode='reflect')
            x = F.conv2d(
                x, g.view(1, 1, 1, size).expand(c, 1, 1, size), groups=c)
            x = F.conv2d(
                x, g.view(1, 1, size, 1).expand(c, 1, size, 1), groups=c)
            out[rows.to(pixels.device)] = x
        return out, None


@MODELS.register_module()
class GaussianNoiseCorruption(PixelCorruption):
    """Denoising input: additive Gaussian noise, independent per pixel and
    channel, **not** clipped (official).

    Args:
        sigma (float): Standard deviation in pixel units, > 0. Defaults to
            75 (75/255 of the range, official).
        pixel_range (Sequence[float]): See :class:`PixelCorruption`.
    """

    def __init__(self,
                 sigma: float = 75.0,
                 pixel_range: Sequence[float] = (0, 255),
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(pixel_range, init_cfg)
        if not sigma > 0:
            raise ValueError(f'sigma must be > 0, got {sigma!r}')
        self.sigma = sigma

    def corrupt(self, pixels: torch.Tensor) -> Tuple[torch.Tensor, None]:
        return pixels + self.sigma * torch.randn_like(pixels), None
