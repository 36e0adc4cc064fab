from typing import Optional, Sequence, Tuple

import torch
from mmengine.model import BaseModule


class PixelCorruption(BaseModule):
    """Base of the input corruptions of MFM and its pretext-task study.

    The model sees normalised images; corruptions are defined on pixels.
    ``forward`` undoes the data preprocessor's normalisation, calls
    :meth:`corrupt` on the pixel images in float32 (also under autocast) and
    normalises the result again.

    Args:
        pixel_range (Sequence[float]): The valid pixel range, ``(0, 255)``
            for mmpretrain's data preprocessors. Defaults to (0, 255).
        init_cfg (dict, optional): Unused, for mmengine. Defaults to None.
    """

    def __init__(self,
                 pixel_range: Sequence[float] = (0, 255),
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        low, high = pixel_range
        if not low < high:
            raise ValueError(f'pixel_range must be (low, high) with low < '
                             f'high, got {pixel_range!r}')
        self.pixel_range = (float(low), float(high))

    def corrupt(
            self, pixels: torch.Tensor
    ) -> Tuple[torch.Tensor, Optional[torch.Tensor]]:
        """Corrupt float32 pixel images (N, C, H, W).

        Returns:
            tuple: The corrupted pixels (N, C, H, W), and a boolean
            (N, 1, H, W) mask of the DFT bins (FFT order) the loss should
            cover, or None for the whole spectrum.
        """
        raise NotImplementedError

    @torch.no_grad()
    def forward(
            self, inputs: torch.Tensor, mean: torch.Tensor,
            std: torch.Tensor) -> Tuple[torch.Tensor, Optional[torch.Tensor]]:
        """Corrupt normalised images.

        Args:
            inputs (torch.Tensor): Normalised images (N, C, H, W).
            mean, std (torch.Tensor): The normalisation, (C, 1, 1).

        Returns:
            tuple: Normalised corrupted images (N, C, H, W) in float32 and
            the loss mask of :meth:`corrupt`.
        """
        if inputs.dim() != 4:
            raise ValueError(f'{type(self).__name__} expects images of shape '
                             f'(N, C, H, W), got {tuple(inputs.shape)}')
        with torch.autocast(inputs.device.type, enabled=False):
            mean, std = mean.float(), std.float()
            corrupted, loss_mask = self.corrupt(inputs.float() * std + mean)
            return (corrupted - mean) / std, loss_mask

    def clamp(self, pixels: torch.Tensor) -> torch.Tensor:
        """Clamp to :attr:`pixel_range`."""
        return pixels.clamp(*self.pixel_range)
