"""Distances between spectra: the masked spectral distance behind MFM's
frequency loss (:func:`spectral_distance_sum`, with a backward of one
``irfft2``), and the log-amplitude spectrum shown beside its
reconstructions (:func:`log_amplitude`)."""
import math
from typing import Optional

import torch
from torch.autograd.function import once_differentiable

from .fused import distance, distance_gradient
from .grids import hermitian_weights


class _SpectralDistanceSum(torch.autograd.Function):
    """See :func:`spectral_distance_sum`. The backward is the adjoint of
    ``rfft2`` written as one ``irfft2``: autograd's own goes through a
    zero-padded full complex FFT, several times the cost."""

    @staticmethod
    def forward(ctx, x: torch.Tensor, spectrum: Optional[torch.Tensor],
                mask: torch.Tensor, eps: float) -> torch.Tensor:
        h, w = x.shape[-2:]
        diff = torch.fft.rfft2(x)  # (..., H, W // 2 + 1), unnormalised
        if spectrum is not None:
            diff.sub_(spectrum)
        # sqrt(|d / sqrt(HW)|^2 + eps) = sqrt(|d|^2 + eps HW) / sqrt(HW)
        dist = distance(diff, math.sqrt(eps * h * w))
        weight = mask * hermitian_weights(w, x.device)
        ctx.save_for_backward(diff, dist, mask)
        ctx.eps, ctx.size = eps, (h, w)
        return (dist * weight).sum() / math.sqrt(h * w)

    @staticmethod
    @once_differentiable
    def backward(ctx, grad: torch.Tensor):
        diff, dist, mask = ctx.saved_tensors
        h, w = ctx.size
        if ctx.eps <= 0:  # |d| has the subgradient 0 at d = 0
            dist = dist.clamp(min=torch.finfo(dist.dtype).tiny)
        # d/d(diff) of the sum, without the column weights: they cancel
        # against the adjoint of rfft2, irfft2 with halved inner columns
        g = distance_gradient(diff, dist, mask * (grad / math.sqrt(h * w)))
        grad_x = grad_spectrum = None
        if ctx.needs_input_grad[0]:
            grad_x = torch.fft.irfft2(g, s=(h, w), norm='forward')
        if ctx.needs_input_grad[1]:
            grad_spectrum = -g * hermitian_weights(w, g.device)
        return grad_x, grad_spectrum, None, None


def spectral_distance_sum(x: torch.Tensor,
                          spectrum: Optional[torch.Tensor] = None,
                          mask: Optional[torch.Tensor] = None,
                          eps: float = 0.) -> torch.Tensor:
    """Sum over masked DFT bins of the distance between two spectra.

    With ``X = fft2(x, norm='ortho')`` and ``T`` the orthonormal full
    spectrum of a real image whose ``rfft2`` is ``spectrum``, returns
    ``sum(mask * sqrt(|X - T|^2 + eps))`` over the images, channels and
    bins of the full spectrum, computed on the ``rfft2`` half with
    :func:`~pixmim_plugin.frequency.grids.hermitian_weights`. Without
    ``spectrum``, ``T = 0``: pass the difference of two images as ``x``
    (the DFT is linear), which takes one ``rfft2`` for both. Differentiable
    in ``x`` (and ``spectrum``) with a backward of one ``irfft2``.

    Args:
        x (torch.Tensor): Real images (..., H, W).
        spectrum (torch.Tensor, optional): ``torch.fft.rfft2`` (default
            norm) of real images of the same shape, complex
            (..., H, W // 2 + 1). Defaults to None: zero.
        mask (torch.Tensor, optional): Symmetric weights of the half
            spectrum, broadcastable to ``spectrum`` (bool or float, see
            :func:`~pixmim_plugin.frequency.grids.half_spectrum_mask`).
            Defaults to None: every bin.
        eps (float): Added under the square root. Defaults to 0.

    Returns:
        torch.Tensor: A scalar of ``x``'s dtype.
    """
    h, w = x.shape[-2:]
    if spectrum is not None and spectrum.shape[-2:] != (h, w // 2 + 1):
        raise ValueError(f'spectrum must be the rfft2 of (..., {h}, {w}) '
                         f'images, (..., {h}, {w // 2 + 1}), got '
                         f'{tuple(spectrum.shape)}')
    if mask is None:
        mask = x.new_ones(h, w // 2 + 1)
    return _SpectralDistanceSum.apply(x, spectrum, mask.to(x.dtype),
                                      float(eps))


def log_amplitude(x: torch.Tensor) -> torch.Tensor:
    """``log(1 + |DFT|)`` of images (..., H, W), zero frequency moved to the
    centre for display (float32, same shape)."""
    with torch.autocast(x.device.type, enabled=False):
        spectrum = torch.fft.fft2(x.float(), norm='ortho')
        return torch.fft.fftshift(spectrum.abs().log1p(), dim=(-2, -1))
