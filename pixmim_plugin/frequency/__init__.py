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

The package, one concern per module, everything re-exported here:

* :mod:`~pixmim_plugin.frequency.grids`: size and radius checks, the
  integer grids, disc masks on the full and half spectrum, the Hermitian
  weights and the smooth disc of the adaptive target (the cached builders
  all live here, one cache each).
* :mod:`~pixmim_plugin.frequency.filters`: :func:`low_pass` by its two
  routes (:data:`LOW_PASS_METHODS`), :func:`high_pass`, :func:`split_bands`.
* :mod:`~pixmim_plugin.frequency.spectral_loss`: the masked spectral
  distance of MFM's loss, with its own backward, and :func:`log_amplitude`.
* :mod:`~pixmim_plugin.frequency.bands`: radial bands, band PSNR, band and
  radial energy.
"""
from .bands import (band_components, band_edges, band_energy, band_index,
                    band_psnr, check_edges, corner_distance, radial_energy)
from .filters import (LOW_PASS_METHODS, check_method, choose_method, high_pass,
                      low_pass, split_bands)
from .grids import (Size, check_radius, disc_mask, frequency_offsets,
                    half_disc_mask, half_spectrum_mask, hermitian_weights,
                    max_radius, soft_disc_mask, squared_radius, to_2tuple)
from .spectral_loss import log_amplitude, spectral_distance_sum

__all__ = [
    'Size', 'to_2tuple', 'max_radius', 'check_radius', 'frequency_offsets',
    'squared_radius', 'disc_mask', 'half_disc_mask', 'hermitian_weights',
    'half_spectrum_mask', 'soft_disc_mask', 'LOW_PASS_METHODS', 'check_method',
    'choose_method', 'low_pass', 'high_pass', 'split_bands',
    'spectral_distance_sum', 'log_amplitude', 'corner_distance', 'band_edges',
    'check_edges', 'band_index', 'band_energy', 'band_components', 'band_psnr',
    'radial_energy'
]
