"""Integer frequency grids and the masks drawn on them: sizes and radius
checks, the ``(u, v)`` offsets in FFT order, disc masks on the full and the
``rfft2`` half spectrum, the Hermitian column weights, and the smooth disc
of the adaptive target.

The builders are cached (:func:`_cached`, one cache per builder); the other
submodules of :mod:`pixmim_plugin.frequency` import the cached builders from
here rather than making their own.
"""
import math
from functools import lru_cache
from typing import Sequence, Tuple, Union

import torch

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
