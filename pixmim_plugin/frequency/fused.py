"""Elementwise steps around the transforms, each one pass over the batch on
CUDA: ``torch.compile`` fuses a step's arithmetic into one kernel there,
while other devices run the same function eagerly. A compile that fails
falls back to eager once, with a warning."""
import functools
import warnings
from typing import Callable

import torch

# set to False to run every step eagerly on CUDA too
FUSE_ON_CUDA = True


def fused(fn: Callable) -> Callable:
    """``fn`` as one compiled kernel on CUDA inputs, eager elsewhere; the
    eager function stays available as ``.eager``."""
    compiled = None
    failed = False

    @functools.wraps(fn)
    def call(*args):
        nonlocal compiled, failed
        if not (FUSE_ON_CUDA and args[0].is_cuda) or failed:
            return fn(*args)
        if compiled is None:
            compiled = torch.compile(fn, dynamic=True, fullgraph=True)
        try:
            return compiled(*args)
        except Exception as error:  # a missing compiler, an old Triton
            failed = True
            warnings.warn(f'{fn.__name__} runs eagerly: torch.compile '
                          f'failed ({type(error).__name__}: {error})')
            return fn(*args)

    call.eager = fn
    return call


@fused
def distance(diff: torch.Tensor, offset: float) -> torch.Tensor:
    """``sqrt(re^2 + im^2 + offset^2)`` of a spectrum given as its real
    view (..., 2): the modulus, kept off zero by ``offset``."""
    dist = torch.hypot(diff[..., 0], diff[..., 1])
    if offset > 0:
        dist.hypot_(dist.new_full((), offset))
    return dist


@fused
def distance_gradient(diff: torch.Tensor, dist: torch.Tensor,
                      scale: torch.Tensor) -> torch.Tensor:
    """``diff * scale / dist`` on the real view (..., 2) of a spectrum:
    the gradient of ``scale * dist`` by the spectrum."""
    return diff * (scale / dist).unsqueeze(-1)


@fused
def blend(x: torch.Tensor, kept: torch.Tensor, high: torch.Tensor,
          offset: torch.Tensor, low_bound: torch.Tensor,
          high_bound: torch.Tensor) -> torch.Tensor:
    """MFM's corrupted images from the images ``x`` and their low-pass
    ``kept``: ``kept`` where ``high`` is 0, ``x - kept - offset`` where it
    is 1 (per image), clamped to the bounds (per channel)."""
    out = torch.addcmul(-(high * offset), x, high)
    out.addcmul_(kept, 1 - 2 * high)
    return out.clamp_(low_bound, high_bound)
