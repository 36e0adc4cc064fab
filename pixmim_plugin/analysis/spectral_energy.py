"""Choose PixMIM's bandwidth from the data: the radius whose disc keeps a
given fraction of the training images' spectral energy.

Conventions: the energy of a bin is ``|X[u, v]|^2 / (H W)`` of the
unnormalised DFT of the 0-255 pixels, summed over channels and images
(Parseval: the energies of all bins sum to the sum of squared pixels). The
zero frequency (each image's mean colour) is left out by default: it holds
most of the energy of any image and says nothing about its detail. The disc
is PixMIM's (``u^2 + v^2 <= r^2``, boundary kept), so the kept fraction is a
step function of ``r`` that changes at the square roots of integers, and the
chosen radius is the smallest such ``r`` at which it reaches the fraction.
"""
from typing import Dict, Sequence, Tuple

import numpy as np
import torch
from mmengine.utils import ProgressBar

from pixmim_plugin.analysis.loading import load_images
from pixmim_plugin.frequency import radial_energy


def mean_radial_energy(
        images: torch.Tensor,
        include_dc: bool = False) -> Tuple[np.ndarray, np.ndarray]:
    """Energy per squared distance ``u^2 + v^2``, summed over images and
    channels.

    Args:
        images (torch.Tensor): Images (N, C, H, W), any real dtype.
        include_dc (bool): Count the zero frequency. Defaults to False.

    Returns:
        tuple[np.ndarray, np.ndarray]: ``r2`` int64 (M, ) ascending, energy
        float64 (M, ).
    """
    r2, energy = radial_energy(images.double())
    energy = energy.sum(dim=tuple(range(energy.dim() - 1)))  # (M, )
    if not include_dc:
        energy[r2 == 0] = 0
    return r2.numpy(), energy.numpy()


def kept_fraction(r2: np.ndarray,
                  energy: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """The fraction of the energy a disc of radius ``sqrt(r2)`` keeps, for
    every ``r2`` of :func:`mean_radial_energy`: ``(radii, fraction)``."""
    total = energy.sum()
    if not total > 0:
        raise ValueError('the images have no energy outside the zero '
                         'frequency: constant images?')
    return np.sqrt(r2), np.cumsum(energy) / total


def radius_for_fraction(r2: np.ndarray, energy: np.ndarray,
                        fraction: float) -> float:
    """The smallest radius whose disc keeps ``fraction`` of the energy.

    Args:
        r2, energy (np.ndarray): :func:`mean_radial_energy`'s output.
        fraction (float): In (0, 1].

    Returns:
        float: ``sqrt(r2)`` of the first squared distance at which the kept
        fraction reaches ``fraction`` (up to 1e-12 of round-off).
    """
    if not 0 < fraction <= 1:
        raise ValueError(f'fraction must lie in (0, 1], got {fraction}')
    radii, kept = kept_fraction(r2, energy)
    return float(radii[np.argmax(kept >= fraction - 1e-12)])


def dataset_energy(files: Sequence[str],
                   size: int,
                   include_dc: bool = False,
                   batch_size: int = 64,
                   progress: bool = False) -> Tuple[np.ndarray, np.ndarray]:
    """:func:`mean_radial_energy` of image files at ``size`` (shorter edge
    resized to ``size``, centre crop, as :func:`load_images`)."""
    total = None
    bar = ProgressBar(len(files)) if progress else None
    for start in range(0, len(files), batch_size):
        chunk = files[start:start + batch_size]
        r2, energy = mean_radial_energy(
            load_images(chunk, size), include_dc=include_dc)
        total = energy if total is None else total + energy
        if bar is not None:
            for _ in chunk:
                bar.update()
    if bar is not None:
        bar.file.write('\n')
    return r2, total


def save_energy_curves(curves: Dict[str, Tuple[np.ndarray, np.ndarray]],
                       path: str,
                       fraction: float = None) -> None:
    """Plot kept energy against radius, one curve per entry.

    Args:
        curves (dict): ``{label: (radii, kept fraction)}``, radii in bins
            at the reference size so that resolutions compare.
        path (str): The PNG to write.
        fraction (float, optional): Draw this fraction as a line.
    """
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    for label, (radii, kept) in curves.items():
        ax.step(radii, kept, where='post', label=label)
    if fraction is not None:
        ax.axhline(fraction, color='grey', linestyle='--', linewidth=1)
    ax.set_xlabel('radius r (bins at the reference size)')
    ax.set_ylabel('fraction of the energy kept by the disc')
    ax.set_ylim(0, 1.01)
    ax.grid(alpha=.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def to_reference(radius: float, size: int, ref_size: int) -> float:
    """A radius in bins at ``size`` expressed at ``ref_size`` (the
    ``radius`` a config with ``ref_size`` takes)."""
    return radius * ref_size / size
