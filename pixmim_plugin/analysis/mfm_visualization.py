from typing import Dict

import numpy as np
import torch
from PIL import Image, ImageDraw

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


def _image(img: torch.Tensor, mean: torch.Tensor,
           std: torch.Tensor) -> np.ndarray:
    pixels = img.float().cpu() * std.cpu() + mean.cpu()  # (C, H, W)
    return pixels.clamp(0, 255).round().byte().permute(1, 2, 0).numpy()


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
            cells = [_image(images[k][i], mean, std) for k in COLUMNS]
            cells += [_spectrum(images[k][i], mean, std) for k in COLUMNS]
            lines.append(np.concatenate(cells, axis=1))
            labels.append(name)
    grid = np.concatenate(lines, axis=0).repeat(zoom, 0).repeat(zoom, 1)
    header, margin = 14, 70
    canvas = Image.new('RGB', (grid.shape[1] + margin, grid.shape[0] + header),
                       'white')
    canvas.paste(Image.fromarray(grid), (margin, header))
    draw = ImageDraw.Draw(canvas)
    cell = grid.shape[1] // (2 * len(COLUMNS))
    names = list(COLUMNS) + [f'|F| {k}' for k in COLUMNS]
    for j, title in enumerate(names):
        draw.text((margin + j * cell + 2, 1), title, fill='black')
    row_h = grid.shape[0] // len(lines)
    for i, label in enumerate(labels):
        draw.text((2, header + i * row_h + row_h // 2 - 5),
                  label,
                  fill='black')
    canvas.save(path)
