"""The picture-grid writer behind the visualisation tool."""
import numpy as np
import pytest
import torch
from PIL import Image

from pixmim_plugin.analysis.grid import HEADER, MARGIN, save_grid, to_pixels


def test_to_pixels_undoes_the_normalisation(rng):
    pixels = rng.integers(0, 256, (5, 7, 3))
    mean = torch.tensor([123.7, 116.3, 103.5]).view(3, 1, 1)
    std = torch.tensor([58.4, 57.1, 57.4]).view(3, 1, 1)
    normalised = (torch.from_numpy(pixels).permute(2, 0, 1) - mean) / std
    out = to_pixels(normalised, mean, std)
    assert out.dtype == np.uint8
    np.testing.assert_array_equal(out, pixels)


@pytest.mark.parametrize('labels', [(), ('low', 'high')])
def test_cells_land_zoomed_under_the_header(tmp_path, rng, labels):
    rows = [[
        rng.integers(0, 256, (4, 6, 3), dtype=np.uint8) for _ in range(3)
    ] for _ in range(2)]
    path = str(tmp_path / 'grid.png')
    save_grid(rows, ('a', 'b', 'c'), path, labels=labels, zoom=2)
    canvas = np.asarray(Image.open(path).convert('RGB'))
    margin = MARGIN if labels else 0
    assert canvas.shape == (HEADER + 2 * 4 * 2, margin + 3 * 6 * 2, 3)
    for i, cells in enumerate(rows):
        for j, cell in enumerate(cells):
            y, x = HEADER + i * 8, margin + j * 12
            np.testing.assert_array_equal(canvas[y:y + 8, x:x + 12],
                                          cell.repeat(2, 0).repeat(2, 1))
    # the titles (and labels) are drawn in black on the white border
    assert canvas[:HEADER].min() < 128
    if labels:
        assert canvas[HEADER:, :margin].min() < 128
