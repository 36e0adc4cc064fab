"""Exact circular low-pass and high-pass filters.

Two routes keep precisely the disc's DFT bins (see the package docstring of
:mod:`pixmim_plugin.frequency`): ``'fft'``, a real 2-D FFT times the
half-spectrum mask, and ``'dft'``, a truncated real DFT as matrix products;
:func:`choose_method` picks the cheaper one for ``'auto'``.
:data:`LOW_PASS_METHODS` is the one list of the names a ``method`` argument
takes.
"""
import math
from typing import Tuple

import torch

from .grids import Size, _cached, _half_disc_mask, check_radius, to_2tuple

# The values of every ``method`` argument of a low-pass, ``'auto'`` first.
LOW_PASS_METHODS = ('auto', 'dft', 'fft')


def check_method(method: str) -> None:
    """Raise a ``ValueError`` unless ``method`` is in
    :data:`LOW_PASS_METHODS`."""
    if method not in LOW_PASS_METHODS:
        raise ValueError(f'method must be one of {LOW_PASS_METHODS}, got '
                         f'{method!r}')


def _axis_components(n: int, radius: float) -> torch.Tensor:
    """Frequencies ``0..k`` an axis of length ``n`` needs, ``k=floor(r)``."""
    return torch.arange(min(int(math.floor(radius)), n // 2) + 1)


def _real_basis_build(n: int, radius: float,
                      device: torch.device) -> torch.Tensor:
    """Orthonormal real DFT rows reaching frequency ``floor(radius)``.

    Rows are ``sqrt(w_u / n) cos(2 pi u t / n)`` for ``u = 0..k`` then
    ``sqrt(w_u / n) sin(2 pi u t / n)`` for the ``u`` whose sine is not
    identically zero, with ``w_u = 1`` for the zero and Nyquist frequency
    (one bin) and 2 otherwise (bins ``u`` and ``-u``). float32, (K, n).
    """
    u = _axis_components(n, radius).double()
    t = torch.arange(n, dtype=torch.float64)
    single = (u == 0) | (2 * u == n)
    weight = torch.where(single, 1.0, 2.0) / n
    phase = 2 * math.pi * torch.outer(u, t) / n
    cos = weight.sqrt()[:, None] * torch.cos(phase)
    sin = (weight.sqrt()[:, None] * torch.sin(phase))[~single]
    return torch.cat([cos, sin]).float().to(device)


_real_basis = _cached(_real_basis_build)


def _basis_mask_build(h: int, w: int, radius: float, inclusive: bool,
                      device: torch.device) -> torch.Tensor:
    """The disc in the (cos, sin) x (cos, sin) component layout of
    :func:`_real_basis`, float32 (K_h, K_w)."""

    def offsets(n: int) -> torch.Tensor:
        u = _axis_components(n, radius)
        single = (u == 0) | (2 * u == n)
        return torch.cat([u, u[~single]]).double()

    u, v = offsets(h), offsets(w)
    r2 = u[:, None]**2 + v[None, :]**2
    rr = float(radius)**2
    keep = r2 <= rr if inclusive else r2 < rr
    return keep.float().to(device)


_basis_mask = _cached(_basis_mask_build)

# Images per chunk of the truncated DFT: 2M floats (8 MB) keep a chunk and
# its intermediates in the CPU's caches, which measured 10-20 % faster than
# one batch-sized product; it also bounds the intermediate memory.
_DFT_CHUNK_ELEMENTS = 2**21
# From this width on, the first stage is cheaper as a real FFT of the rows
# keeping the first components (measured: 448 px 25 % faster, 224 px 15 %
# slower).
_RFFT_STAGE_MIN_WIDTH = 320


def _row_components(x: torch.Tensor, radius: float) -> torch.Tensor:
    """``x @ P_W^T`` (..., H, K_w) in the layout of :func:`_real_basis`."""
    w = x.shape[-1]
    if w < _RFFT_STAGE_MIN_WIDTH:
        return x @ _real_basis(w, radius, x.device).T
    u = _axis_components(w, radius).to(x.device)
    single = (u == 0) | (2 * u == w)
    scale = torch.where(single, 1.0, 2.0).div(w).sqrt()  # as _real_basis
    spectrum = torch.fft.rfft(x, dim=-1)[..., :len(u)]  # (..., H, k + 1)
    return torch.cat(
        [spectrum.real * scale, -spectrum.imag[..., ~single] * scale[~single]],
        -1)


def _low_pass_dft(x: torch.Tensor, radius: float,
                  inclusive: bool) -> torch.Tensor:
    h, w = x.shape[-2:]
    p_h = _real_basis(h, radius, x.device)  # (Kh, H)
    p_w = _real_basis(w, radius, x.device)  # (Kw, W)
    mask = _basis_mask(h, w, radius, inclusive, x.device)  # (Kh, Kw)
    images = x.reshape(-1, h, w).contiguous()
    step = max(1, _DFT_CHUNK_ELEMENTS // (h * w))
    chunks = range(0, len(images), step)
    if torch.is_grad_enabled() and x.requires_grad:  # `out=` has no autograd
        return torch.cat([(p_h.T @ (
            (p_h @ _row_components(images[i:i + step], radius)) * mask)) @ p_w
                          for i in chunks]).view(x.shape)
    out = torch.empty(images.shape, dtype=x.dtype, device=x.device)
    for i in chunks:
        coeffs = p_h @ _row_components(images[i:i + step], radius)
        coeffs *= mask  # (chunk, Kh, Kw)
        torch.matmul(p_h.T @ coeffs, p_w, out=out[i:i + step])
    return out.view(x.shape)


def _half_filter_build(h: int, w: int, radius: float, inclusive: bool,
                       device: torch.device) -> torch.Tensor:
    return _half_disc_mask(h, w, radius, inclusive, device) / (h * w)


_half_filter = _cached(_half_filter_build)


def _low_pass_fft(x: torch.Tensor, radius: float,
                  inclusive: bool) -> torch.Tensor:
    h, w = x.shape[-2:]
    # the inverse's 1 / (H W) rides on the mask: no scaling pass
    half = _half_filter(h, w, float(radius), inclusive, x.device)
    spectrum = torch.fft.rfft2(x)  # (..., H, W // 2 + 1)
    return torch.fft.irfft2(spectrum * half, s=(h, w), norm='forward')


def exact_cuda_matmul() -> bool:
    """Whether float32 matrix products on CUDA run in full float32 (torch's
    default): TF32 would cost the truncated DFT its exactness."""
    return (not torch.backends.cuda.matmul.allow_tf32
            and torch.get_float32_matmul_precision() == 'highest')


# share of the side below which the truncated DFT replaces cuFFT on CUDA
CUDA_DFT_SHARE = 0.2


def choose_method(size: Size, radius: float, device=None) -> str:
    """Pick the cheaper exact formulation, ``'dft'`` or ``'fft'``.

    The truncated DFT costs about ``H * W * (K_h + K_w)`` multiply-adds per
    image, ``K = 2 * floor(r) + 1`` kept components per axis, the FFT about
    ``H * W * log(H * W)``; measured on CPUs (``tools/benchmark.py``), the
    matrix products win while ``K`` stays below about 0.6 of the side, e.g.
    2.3x faster for ``r = 40`` at 224 px. On CUDA cuFFT is fast and both
    routes are bound by memory traffic: the truncated DFT reads the images
    once and writes the result once, the FFT route also writes and reads a
    spectrum and a filtered spectrum, so the DFT is used only for few
    components (``K`` below :data:`CUDA_DFT_SHARE` of the side, MFM's
    ``r = 16`` at 224 px) and only while float32 matrix products are exact
    (:func:`exact_cuda_matmul`); PixMIM's ``r = 40`` at 224 px keeps the
    FFT.
    """
    h, w = to_2tuple(size)
    k = 2 * math.floor(radius) + 1
    kept = min(k, h) + min(k, w)
    if torch.device(device or 'cpu').type != 'cpu':
        return 'dft' if (exact_cuda_matmul() and kept < CUDA_DFT_SHARE *
                         (h + w)) else 'fft'
    return 'dft' if kept < 0.6 * (h + w) else 'fft'


def low_pass(x: torch.Tensor,
             radius: float,
             inclusive: bool = True,
             method: str = 'auto') -> torch.Tensor:
    """Ideal circular low-pass filter over the last two dimensions.

    Keeps exactly the DFT bins inside the disc of ``radius`` (see
    :func:`~pixmim_plugin.frequency.grids.disc_mask`) and transforms back;
    the result is real by symmetry, no magnitude is taken. The zero frequency
    is kept (unless the disc is empty: ``inclusive=False`` and
    ``radius=0``), so the filter commutes with any per-channel affine
    normalisation. Differentiable.

    Args:
        x (torch.Tensor): Real images (..., H, W), any float dtype.
        radius (float): Radius in frequency bins, ``0 <= r <= min(H, W)/2``.
        inclusive (bool): Keep the boundary of the disc. Defaults to True.
        method (str): One of :data:`LOW_PASS_METHODS`: ``'auto'``, ``'dft'``
            or ``'fft'``. Defaults to ``'auto'`` (see
            :func:`choose_method`).

    Returns:
        torch.Tensor: float32 (..., H, W).
    """
    if x.dim() < 2:
        raise ValueError(f'low_pass expects (..., H, W), got {x.shape}')
    check_radius(radius, x.shape[-2:])
    check_method(method)
    if method == 'auto':
        method = choose_method(x.shape[-2:], radius, x.device)
    with torch.autocast(x.device.type, enabled=False):
        x = x.float()
        if method == 'dft':
            return _low_pass_dft(x, radius, inclusive)
        return _low_pass_fft(x, radius, inclusive)


def high_pass(x: torch.Tensor,
              radius: float,
              inclusive: bool = True,
              method: str = 'auto') -> torch.Tensor:
    """The complement of :func:`low_pass`: keeps the bins outside the disc.

    Same arguments as :func:`low_pass`; the disc itself (with its boundary
    when ``inclusive``) is removed.
    """
    return split_bands(x, radius, inclusive, method)[1]


def split_bands(x: torch.Tensor,
                radius: float,
                inclusive: bool = True,
                method: str = 'auto') -> Tuple[torch.Tensor, torch.Tensor]:
    """``(low, high)`` with ``low + high == x``: the disc and its complement.

    One filter for both bands (``high = x - low``, exact by linearity).
    Same arguments as :func:`low_pass`; float32 outputs.
    """
    low = low_pass(x, radius, inclusive, method)
    with torch.autocast(x.device.type, enabled=False):
        return low, x.float() - low
