from typing import Sequence

import numpy as np
import torch
from PIL import Image, ImageDraw

HEADER = 14  # pixels above the cells, for the column titles
MARGIN = 70  # pixels left of the cells, for the row labels (if any)


def to_pixels(img: torch.Tensor, mean: torch.Tensor,
              std: torch.Tensor) -> np.ndarray:
    """A normalised image back to pixels.

    Args:
        img (torch.Tensor): A normalised image (C, H, W).
        mean, std (torch.Tensor): The data preprocessor's (C, 1, 1).

    Returns:
        np.ndarray: uint8 (H, W, C).
    """
    pixels = img.float().cpu() * std.cpu() + mean.cpu()  # (C, H, W)
    return pixels.clamp(0, 255).round().byte().permute(1, 2, 0).numpy()


def save_grid(rows: Sequence[Sequence[np.ndarray]],
              titles: Sequence[str],
              path: str,
              labels: Sequence[str] = (),
              zoom: int = 3) -> None:
    """Write a grid of images as a PNG, with column titles and row labels.

    Args:
        rows (Sequence[Sequence[np.ndarray]]): One sequence of cells per row,
            each cell uint8 (H, W, 3) of one size.
        titles (Sequence[str]): One title per column, written above it.
        path (str): Where to write the PNG.
        labels (Sequence[str]): One label per row, written left of it; none
            (no left margin) by default.
        zoom (int): Nearest-neighbour magnification. Defaults to 3.
    """
    grid = np.concatenate([np.concatenate(cells, axis=1) for cells in rows])
    grid = grid.repeat(zoom, axis=0).repeat(zoom, axis=1)
    margin = MARGIN if labels else 0
    canvas = Image.new('RGB', (grid.shape[1] + margin, grid.shape[0] + HEADER),
                       'white')
    canvas.paste(Image.fromarray(grid), (margin, HEADER))
    draw = ImageDraw.Draw(canvas)
    cell_w = grid.shape[1] // len(titles)
    for j, title in enumerate(titles):
        draw.text((margin + j * cell_w + 2, 1), title, fill='black')
    row_h = grid.shape[0] // len(rows)
    for i, label in enumerate(labels):
        draw.text((2, HEADER + i * row_h + row_h // 2 - 5),
                  label,
                  fill='black')
    canvas.save(path)
