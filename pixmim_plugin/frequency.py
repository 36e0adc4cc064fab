"""The one home of the frequency math: integer frequency grids, disc masks,
exact low-pass / high-pass filters, radial bands (band PSNR, band and radial
energy) and the smooth disc of the adaptive target.

Conventions (shared by PixMIM's target, MFM and the analysis tools):

* Frequencies are integer offsets ``(u, v)`` from the zero frequency of an
  ``H x W`` DFT, in FFT order (``0, 1, ..., -1``), so no ``fftshift`` is ever
  needed and the zero frequency sits exactly on the grid.
* A disc of radius ``r`` is ``u^2 + v^2 <= r^2`` (``inclusive=True``, PixMIM,
  boundary kept) or ``u^2 + v^2 < r^2`` (``inclusive=False``, MFM).
* The bins a filter removes are given as boolean masks in the same FFT
  order, so a loss can weight exactly the removed part of the spectrum.
* All transforms run in float32, also under autocast: half-precision FFTs
  either fail (non power-of-two sizes) or lose the precision the target
  needs.

The filters are exact: a low-pass keeps precisely the disc's DFT bins. Two
equivalent formulations are offered and :func:`low_pass` picks one:

* ``'fft'``: a real 2-D FFT, multiply by the half-spectrum mask, inverse.
* ``'dft'``: a truncated real DFT that only computes the ``2 * floor(r) + 1``
  cosine and sine components per axis that the disc can reach, as matrix
  products (the first one a real FFT of the rows for wide images), in
  cache-sized chunks of images. Since the disc is symmetric in ``u`` and in
  ``v`` separately, the filter acting on a real image is
  ``P_H^T (M * (P_H x P_W^T)) P_W`` with real bases ``P`` and a 0/1 mask
  ``M``, which is much cheaper than an FFT when ``r`` is small next to the
  image (``r = 40`` at 224 px keeps 81 of 224 components per axis).

Real images have Hermitian spectra (``X[-u, -v] = conj(X[u, v])``) and the
masks here are symmetric, so the real transforms ``rfft2`` / ``irfft2`` and
their half spectrum ``(H, W // 2 + 1)`` carry everything: a sum over the
whole spectrum is a sum over the half with :func:`hermitian_weights` per
column. Half spectra are unnormalised (``torch.fft.rfft2``'s default):
scales are folded into masks and weights rather than spent as extra passes.
"""
import math
from functools import lru_cache
from typing import Optional, Sequence, Tuple, Union

import torch
from torch.autograd.function import once_differentiable

Size = Union[int, Sequence[int]]


def to_2tuple(size: Size) -> Tuple[int, int]:
    """``224 -> (224, 224)``; ``(h, w)`` unchanged."""
    if isinstance(size, int):
        return size, size
    h, w = size
    return int(h), int(w)


def max_radius(size: Size) -> float:
    """The largest radius a filter on an image of ``size`` may take.

    As in the PixMIM paper, ``r`` lies in ``[0, min(H, W) / 2]``: beyond it
    the disc would wrap around the shorter axis of the spectrum.
    """
    h, w = to_2tuple(size)
    return min(h, w) / 2


def check_radius(radius: float,
                 size: Size = None,
                 name: str = 'radius') -> None:
    """Raise a ``ValueError`` naming ``name`` if ``radius`` is out of range.

    Args:
        radius (float): The radius in frequency bins.
        size (int | tuple[int, int], optional): The image size; without it
            only ``radius >= 0`` is checked.
        name (str): The parameter name used in the message.
    """
    if isinstance(radius, bool) or not isinstance(radius, (int, float)):
        raise TypeError(f'{name} must be a number, got {radius!r}')
    if not math.isfinite(radius) or radius < 0:
        raise ValueError(f'{name} must be a finite number >= 0, got {radius}')
    if size is not None and radius > max_radius(size):
        h, w = to_2tuple(size)
        raise ValueError(
            f'{name}={radius} is beyond the spectrum of a {h}x{w} image: '
            f'it must lie in [0, min(H, W) / 2] = [0, {max_radius(size)}]')


def frequency_offsets(n: int, device=None) -> torch.Tensor:
    """Integer offsets of the ``n`` DFT bins from the zero frequency, in FFT
    order: ``[0, 1, ..., ceil(n/2) - 1, -floor(n/2), ..., -1]``."""
    k = torch.arange(n, device=device)
    return torch.where(k < (n + 1) // 2, k, k - n)


def squared_radius(size: Size, device=None) -> torch.Tensor:
    """``u^2 + v^2`` for every bin of an ``H x W`` DFT, int64, (H, W)."""
    h, w = to_2tuple(size)
    u = frequency_offsets(h, device)
    v = frequency_offsets(w, device)
    return u[:, None]**2 + v[None, :]**2


def _cached(build):
    """Cache ``build`` per arguments; the tensors are made outside inference
    mode so that later autograd calls may use them."""

    @lru_cache(maxsize=64)
    def cached(*args):
        with torch.inference_mode(False):
            return build(*args)

    return cached


def _disc_mask_build(h: int, w: int, radius: float, inclusive: bool,
                     device: torch.device) -> torch.Tensor:
    r2 = squared_radius((h, w), device).double()
    rr = float(radius)**2
    return r2 <= rr if inclusive else r2 < rr


_disc_mask = _cached(_disc_mask_build)


def disc_mask(size: Size,
              radius: float,
              inclusive: bool = True,
              device=None) -> torch.Tensor:
    """Boolean (H, W) mask of the DFT bins inside the disc of ``radius``.

    Args:
        size (int | tuple[int, int]): The image size ``(H, W)``.
        radius (float): The radius in frequency bins.
        inclusive (bool): Keep the boundary ``u^2 + v^2 = r^2`` (PixMIM)
            or not (MFM). Defaults to True.
        device: Where the mask lives. Cached per size, radius and device.

    Returns:
        torch.Tensor: bool (H, W) in FFT order (zero frequency at ``[0, 0]``).
    """
    h, w = to_2tuple(size)
    return _disc_mask(h, w, float(radius), inclusive,
                      torch.device(device or 'cpu'))


def _half_disc_mask_build(h: int, w: int, radius: float, inclusive: bool,
                          device: torch.device) -> torch.Tensor:
    return _disc_mask(h, w, radius, inclusive, device)[:, :w // 2 + 1].clone()


_half_disc_mask = _cached(_half_disc_mask_build)


def half_disc_mask(size: Size,
                   radius: float,
                   inclusive: bool = True,
                   device=None) -> torch.Tensor:
    """:func:`disc_mask` on the ``rfft2`` half spectrum.

    Args:
        size (int | tuple[int, int]): The image size ``(H, W)``.
        radius (float): The radius in frequency bins.
        inclusive (bool): Keep the boundary. Defaults to True.
        device: Where the mask lives. Cached per size, radius and device.

    Returns:
        torch.Tensor: bool (H, W // 2 + 1), columns ``v = 0 .. W // 2``.
    """
    h, w = to_2tuple(size)
    return _half_disc_mask(h, w, float(radius), inclusive,
                           torch.device(device or 'cpu'))


def _hermitian_weights_build(w: int, device: torch.device) -> torch.Tensor:
    weights = torch.full((w // 2 + 1, ), 2.0, device=device)
    weights[0] = 1  # the column v = 0 holds u and -u itself
    if w % 2 == 0:
        weights[-1] = 1  # so does the Nyquist column v = W / 2
    return weights


_hermitian_weights = _cached(_hermitian_weights_build)


def hermitian_weights(w: int, device=None) -> torch.Tensor:
    """How many bins of the full spectrum each ``rfft2`` column stands for.

    For a real image of width ``w`` and any quantity ``f`` with
    ``f[-u, -v] = f[u, v]`` (a modulus, a symmetric mask), the sum of ``f``
    over the ``(H, W)`` spectrum is the sum over the half ``(H, W // 2 + 1)``
    weighted by these: 1 for the column ``v = 0`` and, for even ``w``, the
    Nyquist column ``v = W / 2``; 2 for the others (``v`` and ``-v``).

    Returns:
        torch.Tensor: float32 (W // 2 + 1, ), cached per width and device.
    """
    return _hermitian_weights(int(w), torch.device(device or 'cpu'))


def half_spectrum_mask(mask: torch.Tensor) -> torch.Tensor:
    """Fold a mask of the full ``(H, W)`` spectrum onto the ``rfft2`` half.

    Returns ``(mask[u, v] + mask[-u, -v]) / 2`` on the half, so that for any
    symmetric per-bin quantity ``f`` (see :func:`hermitian_weights`),
    ``(f * mask).sum()`` over the full spectrum equals
    ``(f_half * folded * hermitian_weights(W)).sum()``, for any mask. A
    symmetric mask (a disc or its complement) is simply cut in half.

    Args:
        mask (torch.Tensor): (..., H, W), bool or float, FFT order.

    Returns:
        torch.Tensor: float32 (..., H, W // 2 + 1).
    """
    m = mask.float()
    # the bin (-u, -v) of (u, v): flip both axes, then shift by one
    mirrored = torch.roll(torch.flip(m, (-2, -1)), (1, 1), (-2, -1))
    return ((m + mirrored) / 2)[..., :mask.shape[-1] // 2 + 1]


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


def choose_method(size: Size, radius: float, device=None) -> str:
    """Pick the cheaper exact formulation, ``'dft'`` or ``'fft'``.

    The truncated DFT costs about ``H * W * (K_h + K_w)`` multiply-adds per
    image, ``K = 2 * floor(r) + 1`` kept components per axis, the FFT about
    ``H * W * log(H * W)``; measured on CPUs (``tools/benchmark.py``), the
    matrix products win while ``K`` stays below about 0.6 of the side, e.g.
    2.3x faster for ``r = 40`` at 224 px. On CUDA the
    FFT is used: cuFFT is fast, and float32 matrix products there may run in
    TF32 and lose exactness.
    """
    if torch.device(device or 'cpu').type != 'cpu':
        return 'fft'
    h, w = to_2tuple(size)
    k = 2 * math.floor(radius) + 1
    return 'dft' if min(k, h) + min(k, w) < 0.6 * (h + w) else 'fft'


def low_pass(x: torch.Tensor,
             radius: float,
             inclusive: bool = True,
             method: str = 'auto') -> torch.Tensor:
    """Ideal circular low-pass filter over the last two dimensions.

    Keeps exactly the DFT bins inside the disc of ``radius`` (see
    :func:`disc_mask`) and transforms back; the result is real by symmetry,
    no magnitude is taken. The zero frequency is kept (unless the disc is
    empty: ``inclusive=False`` and ``radius=0``), so the filter commutes with
    any per-channel affine normalisation. Differentiable.

    Args:
        x (torch.Tensor): Real images (..., H, W), any float dtype.
        radius (float): Radius in frequency bins, ``0 <= r <= min(H, W)/2``.
        inclusive (bool): Keep the boundary of the disc. Defaults to True.
        method (str): ``'auto'``, ``'dft'`` or ``'fft'``. Defaults to
            ``'auto'`` (see :func:`choose_method`).

    Returns:
        torch.Tensor: float32 (..., H, W).
    """
    if x.dim() < 2:
        raise ValueError(f'low_pass expects (..., H, W), got {x.shape}')
    check_radius(radius, x.shape[-2:])
    if method == 'auto':
        method = choose_method(x.shape[-2:], radius, x.device)
    if method not in ('dft', 'fft'):
        raise ValueError(f"method must be 'auto', 'dft' or 'fft', got "
                         f'{method!r}')
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


class _SpectralDistanceSum(torch.autograd.Function):
    """See :func:`spectral_distance_sum`. The backward is the adjoint of
    ``rfft2`` written as one ``irfft2``: autograd's own goes through a
    zero-padded full complex FFT, several times the cost."""

    @staticmethod
    def forward(ctx, x: torch.Tensor, spectrum: torch.Tensor,
                mask: torch.Tensor, eps: float) -> torch.Tensor:
        h, w = x.shape[-2:]
        diff = torch.fft.rfft2(x)  # (..., H, W // 2 + 1), unnormalised
        diff.sub_(spectrum)
        # sqrt(|d / sqrt(HW)|^2 + eps) = sqrt(|d|^2 + eps HW) / sqrt(HW)
        dist = diff.abs()
        if eps > 0:
            dist.hypot_(dist.new_full((), math.sqrt(eps * h * w)))
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
        g = diff * (mask * (grad / math.sqrt(h * w)) / dist)
        grad_x = grad_spectrum = None
        if ctx.needs_input_grad[0]:
            grad_x = torch.fft.irfft2(g, s=(h, w), norm='forward')
        if ctx.needs_input_grad[1]:
            grad_spectrum = -g * hermitian_weights(w, g.device)
        return grad_x, grad_spectrum, None, None


def spectral_distance_sum(x: torch.Tensor,
                          spectrum: torch.Tensor,
                          mask: Optional[torch.Tensor] = None,
                          eps: float = 0.) -> torch.Tensor:
    """Sum over masked DFT bins of the distance between two spectra.

    With ``X = fft2(x, norm='ortho')`` and ``T`` the orthonormal full
    spectrum of a real image whose ``rfft2`` is ``spectrum``, returns
    ``sum(mask * sqrt(|X - T|^2 + eps))`` over the images, channels and
    bins of the full spectrum, computed on the ``rfft2`` half with
    :func:`hermitian_weights`. Differentiable in ``x`` (and ``spectrum``)
    with a backward of one ``irfft2``.

    Args:
        x (torch.Tensor): Real images (..., H, W).
        spectrum (torch.Tensor): ``torch.fft.rfft2`` (default norm) of real
            images of the same shape, complex (..., H, W // 2 + 1).
        mask (torch.Tensor, optional): Symmetric weights of the half
            spectrum, broadcastable to ``spectrum`` (bool or float, see
            :func:`half_spectrum_mask`). Defaults to None: every bin.
        eps (float): Added under the square root. Defaults to 0.

    Returns:
        torch.Tensor: A scalar of ``x``'s dtype.
    """
    h, w = x.shape[-2:]
    if spectrum.shape[-2:] != (h, w // 2 + 1):
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


# Radial bands: the analysis side (band PSNR, spectral energy) and the
# smooth disc of the adaptive target. Distances are ``d = sqrt(u^2 + v^2)``
# of the integer offsets above, compared as squares so integer edges are
# exact.


def corner_distance(size: Size) -> float:
    """The largest ``d`` of an ``H x W`` DFT, at the spectrum's corners:
    ``sqrt(floor(H/2)^2 + floor(W/2)^2)``."""
    h, w = to_2tuple(size)
    return math.hypot(h // 2, w // 2)


def band_edges(size: Size, width: float) -> Tuple[float, ...]:
    """Bands of ``width`` bins from the zero frequency to the corners.

    ``(0, width, 2 width, ..., corner_distance(size))``: the multiples of
    ``width`` below the corner distance, then the corner distance itself, so
    the last band (closed at the top, see :func:`band_index`) may be
    narrower than the others and reaches the corners.
    """
    number = isinstance(width, (int, float)) and not isinstance(width, bool)
    if not number or not width > 0:
        raise ValueError(f'width must be a number > 0, got {width!r}')
    corner = corner_distance(size)
    count = max(1, math.ceil(corner / width))
    return tuple(k * width for k in range(count)) + (corner, )


def check_edges(edges: Sequence[float], size: Size) -> Tuple[float, ...]:
    """Validate band ``edges`` for an image of ``size`` and return them.

    Raises a ``ValueError`` unless they start at 0, increase strictly and
    the last one reaches :func:`corner_distance` (``math.inf`` allowed).
    """
    edges = tuple(float(e) for e in edges)
    corner = corner_distance(size)
    if len(edges) < 2 or edges[0] != 0 or any(
            b <= a for a, b in zip(edges, edges[1:])) or edges[-1] < corner:
        h, w = to_2tuple(size)
        raise ValueError(
            f'edges must increase strictly from 0 to at least the corner '
            f'distance {corner:.4f} of a {h}x{w} spectrum, so that the bands '
            f'partition it, got {edges}')
    return edges


def _band_index_build(h: int, w: int, edges: Tuple[float, ...],
                      device: torch.device) -> torch.Tensor:
    r2 = squared_radius((h, w), device).double()
    inner = torch.tensor([e * e for e in edges[1:-1]],
                         dtype=torch.float64,
                         device=device)
    return torch.bucketize(r2, inner, right=True)  # edges[k] <= d < ...


_band_index = _cached(_band_index_build)


def band_index(size: Size,
               edges: Sequence[float],
               device=None) -> torch.Tensor:
    """The band of every DFT bin: ``k`` with ``edges[k] <= d < edges[k+1]``,
    the last band ``edges[-2] <= d <= edges[-1]``.

    Args:
        size (int | tuple[int, int]): The image size ``(H, W)``.
        edges (Sequence[float]): ``K + 1`` edges, see :func:`check_edges`.
        device: Where the index lives. Cached per size, edges and device.

    Returns:
        torch.Tensor: int64 (H, W) in ``[0, K)``, FFT order.
    """
    h, w = to_2tuple(size)
    return _band_index(h, w, check_edges(edges, (h, w)),
                       torch.device(device or 'cpu'))


def _half_band_weights_build(h: int, w: int, edges: Tuple[float, ...],
                             device: torch.device) -> torch.Tensor:
    index = _band_index(h, w, edges, device)[:, :w // 2 + 1]
    one_hot = torch.nn.functional.one_hot(index, len(edges) - 1).double()
    weights = one_hot * hermitian_weights(w, device).double()[:, None]
    return weights.reshape(-1, len(edges) - 1)  # (H * (W // 2 + 1), K)


_half_band_weights = _cached(_half_band_weights_build)


def _compute_dtype(*tensors: torch.Tensor) -> torch.dtype:
    """float64 if any input is, else float32 (also for half inputs)."""
    if any(t.dtype == torch.float64 for t in tensors):
        return torch.float64
    return torch.float32


def band_energy(x: torch.Tensor, edges: Sequence[float]) -> torch.Tensor:
    """Energy of each band component: ``sum(band_k(x)^2)`` over (H, W).

    By Parseval, ``sum |X[u, v]|^2 / (H W)`` over the band's bins of the
    unnormalised DFT ``X``; computed on the ``rfft2`` half with
    :func:`hermitian_weights`, in float32 (float64 for float64 input), also
    under autocast. The bands partition the spectrum, so the energies sum to
    ``sum(x^2)``.

    Args:
        x (torch.Tensor): Real images (..., H, W).
        edges (Sequence[float]): ``K + 1`` band edges (:func:`check_edges`).

    Returns:
        torch.Tensor: (..., K).
    """
    h, w = x.shape[-2:]
    edges = check_edges(edges, (h, w))
    dtype = _compute_dtype(x)
    with torch.autocast(x.device.type, enabled=False):
        power = torch.fft.rfft2(x.to(dtype)).abs().square()
        weights = _half_band_weights(h, w, edges, x.device).to(dtype)
        return power.flatten(-2) @ weights / (h * w)  # (..., K)


def band_components(x: torch.Tensor, edges: Sequence[float]) -> torch.Tensor:
    """Split images into their radial band components, which sum to ``x``.

    Args:
        x (torch.Tensor): Real images (..., H, W).
        edges (Sequence[float]): ``K + 1`` band edges (:func:`check_edges`).

    Returns:
        torch.Tensor: (..., K, H, W), float32 (float64 for float64 input);
        component ``k`` keeps exactly the bins of band ``k``.
    """
    h, w = x.shape[-2:]
    edges = check_edges(edges, (h, w))
    index = _band_index(h, w, edges, x.device)[:, :w // 2 + 1]
    masks = torch.stack([index == k for k in range(len(edges) - 1)])
    with torch.autocast(x.device.type, enabled=False):
        spectrum = torch.fft.rfft2(x.to(_compute_dtype(x)))[..., None, :, :]
        return torch.fft.irfft2(spectrum * masks, s=(h, w))


def band_psnr(pred: torch.Tensor,
              target: torch.Tensor,
              edges: Sequence[float],
              peak: float = 255.,
              max_db: Optional[float] = 100.) -> torch.Tensor:
    """Per-image PSNR of each radial band component (paper Fig. 1 and 5).

    Both images are split into the bands of :func:`band_index`; the PSNR of
    band ``k`` is ``10 log10(peak^2 / MSE_k)`` with ``MSE_k`` the mean over
    channels and pixels of ``(band_k(pred) - band_k(target))^2``, computed
    exactly by Parseval from one ``rfft2`` of the difference (see
    :func:`band_energy`). A band whose error is numerically zero gets
    ``inf``: float32 FFT round-off alone measures above 130 dB, 8-bit
    quantisation about 59 dB.

    Args:
        pred (torch.Tensor): Predicted images (N, C, H, W), any float dtype.
        target (torch.Tensor): Reference images, same shape.
        edges (Sequence[float]): ``K + 1`` band edges, e.g.
            :func:`band_edges`.
        peak (float): The largest pixel value, 255 for 8-bit pixels.
            Defaults to 255.
        max_db (float, optional): PSNRs above it (errors at round-off level)
            are returned as ``inf``; None keeps the raw values. Defaults to
            100.

    Returns:
        torch.Tensor: (N, K) in dB, float32 (float64 for float64 input).
    """
    if pred.shape != target.shape or pred.dim() != 4:
        raise ValueError(f'pred and target must be (N, C, H, W) of one '
                         f'shape, got {tuple(pred.shape)} and '
                         f'{tuple(target.shape)}')
    if not peak > 0:
        raise ValueError(f'peak must be > 0, got {peak}')
    dtype = _compute_dtype(pred, target)
    with torch.autocast(pred.device.type, enabled=False):
        diff = pred.to(dtype) - target.to(dtype)
        n, c, h, w = diff.shape
        mse = band_energy(diff, edges).sum(1) / (c * h * w)  # (N, K)
        psnr = 10 * torch.log10(peak**2 / mse)
        if max_db is not None:
            psnr = psnr.masked_fill(psnr > max_db, math.inf)
        return psnr


def radial_energy(x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    """Energy per distinct squared distance ``u^2 + v^2`` of the spectrum.

    Args:
        x (torch.Tensor): Real images (..., H, W).

    Returns:
        tuple[torch.Tensor, torch.Tensor]: ``r2`` int64 (M, ), ascending,
        every value of ``u^2 + v^2`` the grid holds, and the energy
        ``sum |X|^2 / (H W)`` of the bins at each, (..., M), so that the
        energy a disc of radius ``r`` keeps is the sum over ``r2 <= r^2``.
    """
    h, w = x.shape[-2:]
    dtype = _compute_dtype(x)
    with torch.autocast(x.device.type, enabled=False):
        power = torch.fft.rfft2(x.to(dtype)).abs().square()
        power = power * hermitian_weights(w, x.device).to(dtype) / (h * w)
        r2 = squared_radius((h, w), x.device)[:, :w // 2 + 1]
        values, inverse = torch.unique(r2, return_inverse=True)
        energy = power.new_zeros(power.shape[:-2] + values.shape)
        energy.index_add_(-1, inverse.flatten(), power.flatten(-2))
        return values, energy


def soft_disc_mask(size: Size, radius: torch.Tensor,
                   temperature: float) -> torch.Tensor:
    """A disc with a smooth edge, differentiable in ``radius``.

    ``sigmoid((radius - d) / temperature)`` for every bin: 1 well inside the
    disc, 0 well outside, 1/2 on the circle ``d = radius``. As the
    temperature goes to 0 it tends to :func:`disc_mask` (off the circle).

    Args:
        size (int | tuple[int, int]): The image size ``(H, W)``.
        radius (torch.Tensor): A scalar radius in bins, any float dtype.
        temperature (float): The width of the edge in bins, > 0.

    Returns:
        torch.Tensor: float32 (H, W) in FFT order, on ``radius``'s device.
    """
    if not temperature > 0:
        raise ValueError(f'temperature must be > 0, got {temperature}')
    dist = squared_radius(size, radius.device).float().sqrt()
    return torch.sigmoid((radius.float() - dist) / temperature)
