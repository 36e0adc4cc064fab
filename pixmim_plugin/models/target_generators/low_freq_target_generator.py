from typing import Optional, Sequence, Union

import torch
from mmengine.model import BaseModule
from mmengine.utils import to_2tuple
from mmpretrain.registry import MODELS

from pixmim_plugin.frequency import check_method, check_radius, low_pass


@MODELS.register_module()
class LowFreqTargetGenerator(BaseModule):
    """Low-frequency reconstruction target of `PixMIM
    <https://arxiv.org/abs/2303.02416>`_.

    An ideal circular low-pass filter: keep the DFT bins with
    ``u^2 + v^2 <= radius^2`` around the zero frequency (boundary included)
    and transform back to image space. The result is real by symmetry, no
    magnitude is taken, and since the zero frequency is kept the filter
    commutes with the data preprocessor's per-channel normalisation, so it is
    applied to the normalised images directly. Computed in float32 even under
    autocast; nothing is stored in checkpoints.

    Args:
        radius (float): Bandwidth ``r`` in frequency bins, in
            ``[0, min(H, W) / 2]``. The paper uses 40 at 224 px.
        img_size (int | Sequence[int], optional): Expected input size, as in
            mmselfsup's configs. Only used to check ``radius`` when the
            config is built; any input size works. Defaults to None.
        ref_size (int, optional): If given, ``radius`` is meant for images
            whose shorter side is ``ref_size`` and is scaled with the input:
            ``r = radius * min(H, W) / ref_size``. Defaults to None (radius
            in bins at every size).
        method (str): One of
            :data:`pixmim_plugin.frequency.LOW_PASS_METHODS`: ``'auto'``,
            ``'dft'`` (truncated real DFT as matrix products) or ``'fft'``;
            all are exact. Defaults to ``'auto'``.
        init_cfg (dict, optional): Unused, for mmengine. Defaults to None.
    """

    def __init__(self,
                 radius: float,
                 img_size: Optional[Union[int, Sequence[int]]] = None,
                 ref_size: Optional[int] = None,
                 method: str = 'auto',
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if ref_size is not None and (not isinstance(ref_size, int)
                                     or ref_size <= 0):
            raise ValueError(
                f'ref_size must be a positive int, got {ref_size!r}')
        check_method(method)
        check_radius(radius, ref_size, name='radius')
        self.radius = radius
        self.ref_size = ref_size
        self.method = method
        self.img_size = None if img_size is None else tuple(
            to_2tuple(img_size))
        if self.img_size is not None:
            check_radius(
                self.radius_for(*self.img_size), self.img_size, name='radius')

    def radius_for(self, h: int, w: int) -> float:
        """The radius used on an ``h x w`` input."""
        if self.ref_size is None:
            return self.radius
        return self.radius * min(h, w) / self.ref_size

    @torch.no_grad()
    def forward(self, imgs: torch.Tensor) -> torch.Tensor:
        """Filter out the high frequencies of a batch.

        Args:
            imgs (torch.Tensor): Normalised images (N, C, H, W), any float
                dtype.

        Returns:
            torch.Tensor: float32 low-frequency images (N, C, H, W).
        """
        if imgs.dim() != 4:
            raise ValueError('LowFreqTargetGenerator expects images of shape '
                             f'(N, C, H, W), got {tuple(imgs.shape)}')
        h, w = imgs.shape[-2:]
        return low_pass(imgs, self.radius_for(h, w), method=self.method)

    def _load_from_state_dict(self, state_dict: dict, prefix: str, *args,
                              **kwargs) -> None:
        # mmselfsup's released PixMIM checkpoints store their filter mask
        # as a buffer: nothing of it is used here (the disc is rebuilt)
        state_dict.pop(prefix + 'low_pass_filter', None)
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    def extra_repr(self) -> str:
        return (f'radius={self.radius}, ref_size={self.ref_size}, '
                f'method={self.method!r}')
