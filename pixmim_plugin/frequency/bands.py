"""Radial bands of the spectrum: the analysis side (band PSNR, band and
radial spectral energy, band components).

Distances are ``d = sqrt(u^2 + v^2)`` of the integer offsets of
:mod:`pixmim_plugin.frequency.grids`, compared as squares so integer edges
are exact.
"""
import math
from typing import Optional, Sequence, Tuple

import torch

from .grids import Size, _cached, hermitian_weights, squared_radius, to_2tuple


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
