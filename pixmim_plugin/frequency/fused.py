"""Elementwise steps around the transforms, each one pass over the batch on
CUDA: there ``torch.compile`` fuses a step's arithmetic (on real views of
complex spectra) into one kernel; other devices run the eager form, which
uses torch's complex kernels. A compile that fails falls back to the eager
form once, with a warning."""
import warnings
from typing import Callable

import torch

# set to False to run every step eagerly on CUDA too
FUSE_ON_CUDA = True


class Fused:
    """A step with an eager form and a kernel form, which is compiled and
    used on CUDA tensors.

    Args:
        eager (Callable): The step on the given tensors.
        kernel (Callable): The same step on real views of its complex
            arguments, traceable by ``torch.compile(fullgraph=True)``.
        to_kernel (Callable): Turns the step's arguments into the kernel's.
        from_kernel (Callable): Turns the kernel's result into the step's.
    """

    def __init__(self, eager: Callable, kernel: Callable, to_kernel: Callable,
                 from_kernel: Callable) -> None:
        self.eager, self.kernel = eager, kernel
        self.to_kernel, self.from_kernel = to_kernel, from_kernel
        self._compiled = None
        self._failed = False

    def __call__(self, *args):
        if not (FUSE_ON_CUDA and args[0].is_cuda) or self._failed:
            return self.eager(*args)
        if self._compiled is None:
            self._compiled = torch.compile(
                self.kernel, dynamic=True, fullgraph=True)
        try:
            return self.from_kernel(self._compiled(*self.to_kernel(*args)))
        except Exception as error:  # a missing compiler, an old Triton
            self._failed = True
            warnings.warn(f'{self.eager.__name__} runs eagerly: '
                          f'torch.compile failed ({type(error).__name__}: '
                          f'{error})')
            return self.eager(*args)


def _distance(diff: torch.Tensor, offset: float) -> torch.Tensor:
    dist = diff.abs()
    if offset > 0:
        dist.hypot_(dist.new_full((), offset))
    return dist


def _distance_kernel(diff: torch.Tensor, offset: float) -> torch.Tensor:
    dist = torch.hypot(diff[..., 0], diff[..., 1])
    return torch.hypot(dist, dist.new_full((), offset)) if offset > 0 else dist


distance = Fused(_distance, _distance_kernel, lambda diff, offset:
                 (torch.view_as_real(diff), offset), lambda dist: dist)
distance.__doc__ = """``sqrt(|diff|^2 + offset^2)`` of a complex spectrum
(real, same shape): the modulus, kept off zero by ``offset``."""


def _distance_gradient(diff: torch.Tensor, dist: torch.Tensor,
                       scale: torch.Tensor) -> torch.Tensor:
    return diff * (scale / dist)


def _distance_gradient_kernel(diff: torch.Tensor, dist: torch.Tensor,
                              scale: torch.Tensor) -> torch.Tensor:
    return diff * (scale / dist).unsqueeze(-1)


distance_gradient = Fused(
    _distance_gradient, _distance_gradient_kernel, lambda diff, dist, scale:
    (torch.view_as_real(diff), dist, scale), torch.view_as_complex)
distance_gradient.__doc__ = """``diff * scale / dist`` for a complex
spectrum ``diff`` and real ``dist``, ``scale``: the gradient of
``scale * dist`` by the spectrum (complex, ``diff``'s shape)."""


def _blend(x: torch.Tensor, kept: torch.Tensor, high: torch.Tensor,
           offset: torch.Tensor, low_bound: torch.Tensor,
           high_bound: torch.Tensor) -> torch.Tensor:
    out = torch.addcmul(-(high * offset), x, high)
    out.addcmul_(kept, 1 - 2 * high)
    return out.clamp_(low_bound, high_bound)


blend = Fused(_blend, _blend, lambda *args: args, lambda out: out)
blend.__doc__ = """MFM's corrupted images from the images ``x`` (N, C, H, W)
and their low-pass ``kept``: ``kept`` where ``high`` (N, 1, 1, 1) is 0,
``x - kept - offset`` (offset (1, C, 1, 1)) where it is 1, clamped to the
bounds (C, 1, 1)."""
