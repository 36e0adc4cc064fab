from typing import NamedTuple, Optional, Sequence, Tuple

import torch
from mmengine.model import BaseModule


class CorruptedBatch(NamedTuple):
    """What a corruption returns (a tuple, so it also unpacks).

    Attributes:
        corrupted (torch.Tensor): Normalised corrupted images (N, C, H, W),
            float32: the backbone's input.
        loss_mask (torch.Tensor | None): bool (N, 1, H, W // 2 + 1), the
            bins the loss covers on the ``rfft2`` half spectrum (the full
            mask is symmetric, see
            :func:`pixmim_plugin.frequency.half_spectrum_mask`); None for
            the whole spectrum.
        spectrum (torch.Tensor | None): ``torch.fft.rfft2`` of the clean
            normalised images (N, C, H, W // 2 + 1), complex64, when the
            corruption computed it (the loss then reuses it); else None.
    """
    corrupted: torch.Tensor
    loss_mask: Optional[torch.Tensor] = None
    spectrum: Optional[torch.Tensor] = None


class PixelCorruption(BaseModule):
    """Base of the input corruptions of MFM and its pretext-task study.

    The model sees normalised images; corruptions are defined on pixels.
    ``forward`` undoes the data preprocessor's normalisation, calls
    :meth:`corrupt` on the pixel images in float32 (also under autocast) and
    normalises the result again. A corruption that commutes with the
    normalisation may override ``forward`` instead (see
    :class:`FrequencyCorruption`).

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
            tuple: The corrupted pixels (N, C, H, W), and the loss mask of
            :class:`CorruptedBatch` (None for the whole spectrum).
        """
        raise NotImplementedError

    def check_input(self, inputs: torch.Tensor) -> None:
        """Raise a ``ValueError`` unless ``inputs`` is (N, C, H, W)."""
        if inputs.dim() != 4:
            raise ValueError(f'{type(self).__name__} expects images of shape '
                             f'(N, C, H, W), got {tuple(inputs.shape)}')

    @torch.no_grad()
    def forward(self, inputs: torch.Tensor, mean: torch.Tensor,
                std: torch.Tensor) -> CorruptedBatch:
        """Corrupt normalised images.

        Args:
            inputs (torch.Tensor): Normalised images (N, C, H, W).
            mean, std (torch.Tensor): The normalisation, (C, 1, 1).

        Returns:
            CorruptedBatch: The corrupted images and the loss mask of
            :meth:`corrupt`; no spectrum.
        """
        self.check_input(inputs)
        with torch.autocast(inputs.device.type, enabled=False):
            mean, std = mean.float(), std.float()
            corrupted, loss_mask = self.corrupt(inputs.float() * std + mean)
            return CorruptedBatch((corrupted - mean) / std, loss_mask)

    def clamp(self, pixels: torch.Tensor) -> torch.Tensor:
        """Clamp to :attr:`pixel_range`."""
        return pixels.clamp(*self.pixel_range)
