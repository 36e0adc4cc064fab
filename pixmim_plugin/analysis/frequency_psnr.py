"""Reconstruction PSNR per frequency band (PixMIM paper, Fig. 1 and 5).

Conventions (the paper states none of them):

* Pixels: 0-255, in the channel order of the model's data preprocessor,
  ``peak = 255``. The model sees its preprocessor's normalisation of the
  images; its prediction is mapped back with the same mean and std.
* Target of the PSNR: the original image, for every model (PixMIM's
  low-frequency target is what it learns, not what it is scored against).
* MAE family: the masked patches are predicted; with ``norm_pix`` the
  prediction is mapped back with the per-patch mean and
  ``sqrt(var + 1e-6)`` of the original image's patches (``norm_stats=
  'input'``, as mmselfsup's MAE reconstruction visualisation did) or of the
  model's own target (``'target'``: PixMIM's low-pass patches, which the
  head normalised). The visible patches are pasted from the input
  (``paste='input'``) or left as predicted (``'none'``).
* MFM: the prediction of the whole image from its frequency-corrupted input
  (the corruption drawn with the seed); ``paste`` and ``norm_stats`` do not
  apply.
* Masks and corruptions come from ``torch.manual_seed(mask_seed)`` drawn
  batch after batch, so the same seed and batch size give the same masks
  for every model of one patch grid; the global random state is left as it
  was.
"""
import csv
import math
import os.path as osp
from typing import Dict, List, Sequence, Tuple

import numpy as np
import torch
from mmengine.utils import ProgressBar

from pixmim_plugin.analysis.reconstruction import predict_masked
from pixmim_plugin.frequency import band_psnr
from pixmim_plugin.models import MFM

PASTE = ('input', 'none')
NORM_STATS = ('input', 'target')


def _check_choice(name: str, value: str, choices: Sequence[str]) -> None:
    if value not in choices:
        raise ValueError(f'{name} must be one of {choices}, got {value!r}')


@torch.no_grad()
def reconstruct_pixels(
        model: torch.nn.Module,
        images: torch.Tensor,
        paste: str = 'input',
        norm_stats: str = 'input') -> Tuple[torch.Tensor, torch.Tensor]:
    """A model's reconstruction of ``images`` and the reference, in pixels.

    Args:
        model: An MAE-family algorithm (see :func:`predict_masked`) or an
            :class:`MFM`, with its data preprocessor.
        images (torch.Tensor): 0-255 images (N, 3, H, W) as the data
            pipeline yields them, any dtype.
        paste (str): ``'input'`` or ``'none'``, see the module docstring.
        norm_stats (str): ``'input'`` or ``'target'``.

    Returns:
        tuple[torch.Tensor, torch.Tensor]: The reconstruction and the
        original image, float32 (N, 3, H, W) in the preprocessor's channel
        order, 0-255 scale (the reconstruction is not clipped).
    """
    _check_choice('paste', paste, PASTE)
    _check_choice('norm_stats', norm_stats, NORM_STATS)
    batch = dict(inputs=images.float(), data_samples=None)
    inputs = model.data_preprocessor(batch)['inputs']
    # the preprocessor's mean and std (identity without normalisation)
    mean, std = MFM.normalisation(model, inputs)
    if isinstance(model, MFM):
        pred = model.corrupt_and_predict(inputs)['pred'].float()
    elif hasattr(model.head, 'patchify'):
        stats_from = inputs
        if norm_stats == 'target':
            stats_from = model.reconstruction_target(inputs) if hasattr(
                model, 'reconstruction_target') else inputs
        pred, mask = predict_masked(model, inputs, stats_from)
        if paste == 'input':
            pred = torch.where(mask.bool(), pred, inputs)
    else:
        raise TypeError(
            f'{type(model).__name__} is neither an MFM nor an MAE-family '
            'model (a backbone returning (latent, mask, ids_restore) and a '
            'head with patchify)')
    return pred * std + mean, inputs * std + mean


def reconstruction_band_psnr(model: torch.nn.Module,
                             images: torch.Tensor,
                             edges: Sequence[float],
                             peak: float = 255.,
                             mask_seed: int = 0,
                             paste: str = 'input',
                             norm_stats: str = 'input',
                             batch_size: int = 32,
                             progress: bool = False) -> np.ndarray:
    """Band PSNR of a model's reconstructions against the original images.

    Args:
        model: See :func:`reconstruct_pixels`; put in eval mode here.
        images (torch.Tensor): 0-255 images (N, 3, H, W), see
            :func:`reconstruct_pixels`; moved to the model's device batch by
            batch.
        edges (Sequence[float]): ``K + 1`` band edges in frequency bins
            (:func:`pixmim_plugin.frequency.band_edges`).
        peak (float): The PSNR's peak value. Defaults to 255.
        mask_seed (int): Seed of the masks (MFM: the corruptions).
            Defaults to 0.
        paste (str): ``'input'`` or ``'none'``. Defaults to ``'input'``.
        norm_stats (str): ``'input'`` or ``'target'``. Defaults to
            ``'input'``.
        batch_size (int): Images per forward pass. Defaults to 32.
        progress (bool): Show a progress bar. Defaults to False.

    Returns:
        np.ndarray: float64 (N, K), PSNR in dB of each image and band
        (``inf`` where the error is at round-off level).
    """
    if batch_size < 1:
        raise ValueError(f'batch_size must be >= 1, got {batch_size}')
    model.eval()
    device = next(model.parameters()).device
    bar = ProgressBar(len(images)) if progress else None
    out = []
    with torch.random.fork_rng(
            devices=[device] if device.type == 'cuda' else []):
        torch.manual_seed(mask_seed)
        for start in range(0, len(images), batch_size):
            chunk = images[start:start + batch_size].to(device)
            pred, target = reconstruct_pixels(model, chunk, paste, norm_stats)
            out.append(band_psnr(pred, target, edges, peak).double().cpu())
            if bar is not None:
                for _ in range(len(chunk)):
                    bar.update()
    if bar is not None:
        bar.file.write('\n')
    return torch.cat(out).numpy()


def save_band_psnr(results: Dict[str, Tuple[Sequence[float], np.ndarray]],
                   out_dir: str) -> List[str]:
    """Write ``band_psnr.csv`` and ``band_psnr.png`` (a curve per model).

    Args:
        results (dict): ``{model name: (edges, psnr (N, K))}``, the output
            of :func:`reconstruction_band_psnr` and its edges.
        out_dir (str): An existing directory.

    Returns:
        list[str]: One line per model and band, as in the CSV.
    """
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    lines = []
    fig, ax = plt.subplots(figsize=(6, 4))
    with open(osp.join(out_dir, 'band_psnr.csv'), 'w', newline='') as f:
        writer = csv.writer(f)
        writer.writerow(
            ['model', 'band', 'lo', 'hi', 'mean_psnr', 'std_psnr', 'images'])
        for name, (edges, psnr) in results.items():
            mean, std = psnr.mean(0), psnr.std(0)
            for k, (lo, hi) in enumerate(zip(edges[:-1], edges[1:])):
                row = [
                    name, k, f'{lo:g}', f'{hi:.4g}', f'{mean[k]:.3f}',
                    f'{std[k]:.3f}',
                    len(psnr)
                ]
                writer.writerow(row)
                lines.append(' '.join(map(str, row)))
            # an open last band (hi = inf) is plotted at its lower edge
            mids = [(lo + (hi if math.isfinite(hi) else lo)) / 2
                    for lo, hi in zip(edges[:-1], edges[1:])]
            ax.errorbar(
                mids, mean, yerr=std, marker='o', capsize=3, label=name)
    ax.set_xlabel('frequency band centre (bins from the zero frequency)')
    ax.set_ylabel('PSNR of the band component (dB)')
    ax.grid(alpha=.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(osp.join(out_dir, 'band_psnr.png'), dpi=120)
    plt.close(fig)
    return lines


def save_paired_differences(results: Dict[str, Tuple[Sequence[float],
                                                     np.ndarray]],
                            out_dir: str) -> List[str]:
    """Write ``band_psnr_paired.csv``: each model against the first one.

    Every model saw the same images (and, for one patch grid, the same
    masks), so the per-image difference ``psnr - psnr_first`` is paired: its
    mean, its standard deviation and standard error over the images, and the
    fraction of images on which the model's PSNR is lower. Models whose
    edges or image count differ from the first one's are skipped.

    Args:
        results (dict): As :func:`save_band_psnr`, the first entry the
            reference.
        out_dir (str): An existing directory.

    Returns:
        list[str]: One line per model and band, as in the CSV.
    """
    names = list(results)
    ref_edges, ref = results[names[0]]
    lines = []
    with open(osp.join(out_dir, 'band_psnr_paired.csv'), 'w', newline='') as f:
        writer = csv.writer(f)
        writer.writerow([
            'model', 'reference', 'band', 'lo', 'hi', 'mean_diff', 'std_diff',
            'sem_diff', 'fraction_lower', 'images'
        ])
        for name in names[1:]:
            edges, psnr = results[name]
            if tuple(edges) != tuple(ref_edges) or psnr.shape != ref.shape:
                continue
            diff = psnr - ref  # (N, K), paired per image
            for k, (lo, hi) in enumerate(zip(edges[:-1], edges[1:])):
                d = diff[:, k][np.isfinite(diff[:, k])]
                row = [
                    name, names[0], k, f'{lo:g}', f'{hi:.4g}',
                    f'{d.mean():.3f}', f'{d.std():.3f}',
                    f'{d.std() / math.sqrt(max(len(d), 1)):.3f}',
                    f'{(d < 0).mean():.3f}',
                    len(d)
                ]
                writer.writerow(row)
                lines.append(' '.join(map(str, row)))
    return lines
