import math
from typing import Dict, Optional

import torch
from mmengine.model import BaseModule
from mmpretrain.registry import MODELS

from pixmim_plugin.frequency import check_radius, soft_disc_mask


@MODELS.register_module()
class AdaptiveLowFreqTargetGenerator(BaseModule):
    """Low-frequency target with a trainable bandwidth (`PixMIM
    <https://arxiv.org/abs/2303.02416>`_, App., Table 21).

    The radius at the reference size is

        ``r = min_radius + (max_radius - min_radius) * sigmoid(theta)``

    with ``theta`` the one trainable parameter, so ``r`` never leaves
    ``[min_radius, max_radius]`` (the paper's ``[20, 60]`` at 224 px). On an
    ``H x W`` input it is scaled to ``r * min(H, W) / ref_size`` bins, as
    :class:`LowFreqTargetGenerator` with ``ref_size`` does. The filter keeps
    each DFT bin with the weight ``sigmoid((r - d) / temperature)``,
    ``d = sqrt(u^2 + v^2)`` (:func:`pixmim_plugin.frequency.soft_disc_mask`):
    a disc with an edge about ``4 * temperature`` bins wide, through which
    the loss reaches ``r``. As the temperature goes to 0 this is the ideal
    filter of :class:`LowFreqTargetGenerator` (bins exactly on the circle get
    1/2). Computed in float32 even under autocast; unlike the fixed filter
    it keeps the graph, so the reconstruction loss trains ``theta``.

    The current radius (at the reference size) is returned by
    :meth:`log_vars` and logged every iteration by :class:`PixMIM`.

    Args:
        init_radius (float): ``r`` at the start, strictly inside the bounds.
            Defaults to 40 (the paper's fixed value).
        min_radius (float): Lower bound of ``r``, > 0. Defaults to 20.
        max_radius (float): Upper bound of ``r``, at most the reference
            size's Nyquist radius ``ref_size / 2``. Defaults to 60.
        temperature (float): Width of the smooth edge in bins of the input's
            grid, > 0. Defaults to 1.
        ref_size (int): The image size the radii refer to. Defaults to 224.
            Radii scale with the shorter side, as the Nyquist radius does, so
            bounds valid at ``ref_size`` are valid at every input size.
        init_cfg (dict, optional): Unused, for mmengine. Defaults to None.
    """

    def __init__(self,
                 init_radius: float = 40.,
                 min_radius: float = 20.,
                 max_radius: float = 60.,
                 temperature: float = 1.,
                 ref_size: int = 224,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if not isinstance(ref_size, int) or ref_size <= 0:
            raise ValueError(
                f'ref_size must be a positive int, got {ref_size!r}')
        nyquist = ref_size / 2
        for name, value in (('min_radius', min_radius), ('max_radius',
                                                         max_radius)):
            check_radius(value, name=name)
            if not 0 < value <= nyquist:
                raise ValueError(
                    f'{name} must lie in (0, ref_size / 2] = (0, {nyquist}] '
                    f'bins, got {value}')
        if not min_radius < max_radius:
            raise ValueError(f'min_radius ({min_radius}) must be below '
                             f'max_radius ({max_radius})')
        if not min_radius < init_radius < max_radius:
            raise ValueError(
                f'init_radius must lie strictly inside (min_radius, '
                f'max_radius) = ({min_radius}, {max_radius}), got '
                f'{init_radius}')
        if not (isinstance(temperature, (int, float)) and temperature > 0
                and math.isfinite(temperature)):
            raise ValueError(
                f'temperature must be a finite number > 0, got {temperature}')
        self.min_radius, self.max_radius = float(min_radius), float(max_radius)
        self.temperature = float(temperature)
        self.ref_size = ref_size
        fraction = (init_radius - min_radius) / (max_radius - min_radius)
        self.theta = torch.nn.Parameter(
            torch.tensor(math.log(fraction / (1 - fraction))))

    @property
    def radius(self) -> torch.Tensor:
        """``r`` at the reference size, a differentiable scalar."""
        span = self.max_radius - self.min_radius
        return self.min_radius + span * torch.sigmoid(self.theta.float())

    def log_vars(self) -> Dict[str, torch.Tensor]:
        """``{'radius': r}`` (detached) for the algorithm's loss dict."""
        return dict(radius=self.radius.detach())

    def forward(self, imgs: torch.Tensor) -> torch.Tensor:
        """Filter out the high frequencies of a batch with the soft disc.

        Args:
            imgs (torch.Tensor): Normalised images (N, C, H, W), any float
                dtype.

        Returns:
            torch.Tensor: float32 low-frequency images (N, C, H, W),
            differentiable in ``theta``.
        """
        if imgs.dim() != 4:
            raise ValueError('AdaptiveLowFreqTargetGenerator expects images '
                             f'of shape (N, C, H, W), got {tuple(imgs.shape)}')
        h, w = imgs.shape[-2:]
        with torch.autocast(imgs.device.type, enabled=False):
            radius = self.radius * min(h, w) / self.ref_size
            mask = soft_disc_mask((h, w), radius, self.temperature)
            spectrum = torch.fft.rfft2(imgs.detach().float())  # (N,C,H,W//2+1)
            return torch.fft.irfft2(spectrum * mask[:, :w // 2 + 1], s=(h, w))

    def extra_repr(self) -> str:
        return (f'radius in [{self.min_radius}, {self.max_radius}] at '
                f'{self.ref_size} px, temperature={self.temperature}')
