"""Mixed precision in the dtype the device runs fastest."""
from typing import Tuple, Union

import torch
from mmengine.logging import print_log
from mmengine.optim import AmpOptimWrapper
from mmpretrain.registry import OPTIM_WRAPPERS

AMP_DTYPES = ('auto', 'float16', 'bfloat16')


def device_supports_bf16() -> Tuple[bool, str]:
    """Whether the training device computes in bfloat16 natively (CUDA
    compute capability >= 8.0: A100, H100, H200, RTX 30xx and later), and
    the device's name for the log."""
    if not torch.cuda.is_available():
        return False, 'no CUDA device'
    name = torch.cuda.get_device_name()
    major, minor = torch.cuda.get_device_capability()
    supported = torch.cuda.is_bf16_supported(including_emulation=False)
    return supported, f'{name} (compute capability {major}.{minor})'


def choose_amp_dtype(bf16_supported: bool) -> str:
    """``'bfloat16'`` where the device has it, else ``'float16'``.

    bfloat16 has float32's exponent range, so it needs no loss scaling and
    its autocast casts are cheaper; float16 (V100, T4) needs dynamic loss
    scaling against gradient underflow.
    """
    return 'bfloat16' if bf16_supported else 'float16'


@OPTIM_WRAPPERS.register_module()
class AutoAmpOptimWrapper(AmpOptimWrapper):
    """mmengine's ``AmpOptimWrapper`` with the autocast dtype chosen from
    the device once, at start-up, and logged in one line.

    With ``dtype='auto'``: bfloat16 without loss scaling where the GPU
    supports it natively, float16 with the configured ``loss_scale``
    elsewhere. An explicit ``dtype`` is used as given (with ``'bfloat16'``
    the loss is not scaled either: the scaler would only add passes over the
    gradients).

    Args:
        dtype (str | torch.dtype): ``'auto'``, ``'float16'`` or
            ``'bfloat16'``. Defaults to ``'auto'``.
        loss_scale (str | float | dict): As ``AmpOptimWrapper``'s; used in
            float16 only. Defaults to ``'dynamic'``.
        **kwargs: The other arguments of ``AmpOptimWrapper``.
    """

    def __init__(self,
                 dtype: Union[str, torch.dtype] = 'auto',
                 loss_scale: Union[str, float, dict] = 'dynamic',
                 **kwargs) -> None:
        if isinstance(dtype, torch.dtype):
            dtype = str(dtype).replace('torch.', '')
        if dtype not in AMP_DTYPES:
            raise ValueError(
                f'AutoAmpOptimWrapper: dtype must be one of {AMP_DTYPES}, '
                f'got {dtype!r}')
        supported, device = device_supports_bf16()
        if dtype == 'auto':
            dtype = choose_amp_dtype(supported)
            why = (f'{device} supports bfloat16'
                   if supported else f'{device} lacks native bfloat16')
        else:
            why = 'set in the config'
        super().__init__(loss_scale=loss_scale, dtype=dtype, **kwargs)
        self.loss_scaling = dtype == 'float16'
        if not self.loss_scaling:
            self.loss_scaler = torch.amp.GradScaler('cuda', enabled=False)
        scaling = (f'loss scale {loss_scale}'
                   if self.loss_scaling else 'no loss scaling')
        print_log(
            f'AutoAmpOptimWrapper: autocast in {dtype}, {scaling} ({why})',
            logger='current')

    def load_state_dict(self, state_dict: dict) -> None:
        """As ``AmpOptimWrapper``'s, but an empty loss-scaler state (saved by
        a bfloat16 run, whose scaler is off) is skipped, so that such a run
        also resumes on a GPU that trains in float16."""
        if 'loss_scaler' in state_dict and not state_dict['loss_scaler']:
            state_dict = dict(state_dict)
            del state_dict['loss_scaler']
        super().load_state_dict(state_dict)
