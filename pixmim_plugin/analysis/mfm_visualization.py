from typing import Dict

import numpy as np
import torch

from pixmim_plugin.analysis.grid import save_grid, to_pixels
from pixmim_plugin.frequency import log_amplitude

COLUMNS = ('original', 'corrupted', 'prediction')


@torch.no_grad()
def mfm_examples(model: torch.nn.Module, inputs: torch.Tensor,
                 low_pass: bool) -> Dict[str, torch.Tensor]:
    """Corrupt every image with one polarity and predict it.

    Args:
        model: An :class:`MFM` whose corruption is a ``FrequencyCorruption``.
        inputs (torch.Tensor): Normalised images (N, C, H, W).
        low_pass (bool): Keep the low frequencies (True) or the high ones.

    Returns:
        dict[str, torch.Tensor]: Normalised (N, C, H, W) images under the
        keys of :data:`COLUMNS`.
    """
    corruption = model.corruption
    saved = corruption.low_pass_prob
    corruption.low_pass_prob = 1.0 if low_pass else 0.0
    try:
        out = model.corrupt_and_predict(inputs)
    finally:
        corruption.low_pass_prob = saved
    return dict(
        original=inputs, corrupted=out['corrupted'], prediction=out['pred'])


def _spectrum(img: torch.Tensor, mean: torch.Tensor,
              std: torch.Tensor) -> np.ndarray:
    """Log-amplitude of the pixel image's grey level, scaled to 0..255."""
    grey = (img.float().cpu() * std.cpu() + mean.cpu()).mean(0)  # (H, W)
    amp = log_amplitude(grey)
    amp = 255 * amp / amp.max().clamp(min=1e-6)
    return amp.round().byte()[..., None].expand(-1, -1, 3).numpy()


def save_mfm_grid(rows: Dict[str, Dict[str, torch.Tensor]],
                  mean: torch.Tensor,
                  std: torch.Tensor,
                  path: str,
                  zoom: int = 3) -> None:
    """One row per (polarity, image): the three images of :data:`COLUMNS`,
    then their log-amplitude spectra (zero frequency in the centre).

    Args:
        rows (dict): ``{'low-pass': mfm_examples(...), 'high-pass': ...}``.
        mean, std (torch.Tensor): The data preprocessor's (C, 1, 1).
        path (str): Where to write the PNG.
        zoom (int): Nearest-neighbour magnification. Defaults to 3.
    """
    lines, labels = [], []
    for name, images in rows.items():
        for i in range(len(images['original'])):
            cells = [to_pixels(images[k][i], mean, std) for k in COLUMNS]
            cells += [_spectrum(images[k][i], mean, std) for k in COLUMNS]
            lines.append(cells)
            labels.append(name)
    titles = list(COLUMNS) + [f'|F| {k}' for k in COLUMNS]
    save_grid(lines, titles, path, labels=labels, zoom=zoom)
