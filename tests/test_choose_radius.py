import math
import runpy
import sys

import numpy as np
import pytest
import torch
from PIL import Image

from pixmim_plugin.analysis.spectral_energy import (kept_fraction,
                                                    mean_radial_energy,
                                                    radius_for_fraction)


def waves(h: int = 32, w: int = 32) -> np.ndarray:
    """128 + 40 cos at (3, 0) (d = 3) + 80 cos at (3, 4) (d = 5): energies
    in the ratio 40^2 : 80^2 = 1 : 4 at d = 3 and d = 5, nothing else but the
    mean."""
    yy, xx = np.mgrid[0:h, 0:w]
    return (128 + 40 * np.cos(2 * np.pi * 3 * yy / h) +
            80 * np.cos(2 * np.pi * (3 * yy / h + 4 * xx / w)))


def test_energy_lands_at_the_wave_frequencies():
    img = torch.from_numpy(np.stack([waves()] * 3))[None]  # (1, 3, H, W)
    r2, energy = mean_radial_energy(img)
    # Parseval: a cosine of amplitude a holds a^2 / 2 per pixel, 3 channels
    np.testing.assert_allclose(energy[r2 == 9], 3 * 32 * 32 * 40**2 / 2)
    np.testing.assert_allclose(energy[r2 == 25], 3 * 32 * 32 * 80**2 / 2)
    assert energy[(r2 != 9) & (r2 != 25)].max() < 1e-6
    r2_dc, with_dc = mean_radial_energy(img, include_dc=True)
    np.testing.assert_allclose(with_dc[0], 3 * 32 * 32 * 128**2)


@pytest.mark.parametrize('fraction,radius', [(0.1, 3), (0.2, 3), (0.21, 5),
                                             (0.9, 5), (1., 5)])
def test_radius_for_fraction_is_the_smallest_disc(fraction, radius):
    img = torch.from_numpy(waves(32, 40))[None, None]
    r2, energy = mean_radial_energy(img)
    assert radius_for_fraction(r2, energy, fraction) == radius
    radii, kept = kept_fraction(r2, energy)
    np.testing.assert_allclose(kept[radii == 3], 0.2)
    np.testing.assert_allclose(kept[radii < 3], 0, atol=1e-12)


def test_bad_fraction_and_constant_images():
    r2, energy = mean_radial_energy(torch.full((1, 1, 8, 8), 7.))
    with pytest.raises(ValueError, match='no energy outside the zero'):
        radius_for_fraction(r2, energy, 0.5)
    with pytest.raises(ValueError, match=r'fraction must lie in \(0, 1\]'):
        radius_for_fraction(r2, energy + 1, 0)


def test_tool_prints_the_radius_at_each_size(tmp_path, monkeypatch, capsys):
    # two 8-bit images of the waves: 90 % of the energy within r = 5 bins,
    # 10 bins at a reference size of twice the image's
    for i in range(2):
        pixels = np.clip(np.round(waves()), 0, 255).astype(np.uint8)
        Image.fromarray(np.stack([pixels] * 3, -1)).save(tmp_path / f'{i}.png')
    out = tmp_path / 'out'
    monkeypatch.setattr(sys, 'argv', [
        'choose_radius.py', '--data-root',
        str(tmp_path), '--folder', '', '--sizes', '32', '--fractions', '0.9',
        '0.1', '--ref-size', '64', '--out',
        str(out)
    ])
    runpy.run_path('tools/analysis/choose_radius.py', run_name='__main__')
    printed = capsys.readouterr().out
    assert 'size 32: 90% of the energy within r = 5.00 bins = 10.00' in printed
    assert 'size 32: 10% of the energy within r = 3.00 bins = 6.00' in printed
    assert (out / 'energy_curve.png').stat().st_size > 0
    rows = (out / 'radius.csv').read_text().splitlines()
    assert rows[0] == 'size,fraction,radius_bins,radius_at_64px'
    assert rows[1] == '32,0.9,5.000,10.000'
    assert math.isclose(float(rows[2].split(',')[2]), 3)
