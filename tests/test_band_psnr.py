import math

import numpy as np
import pytest
import torch
from helpers import low_pass_reference

from pixmim_plugin import frequency

SIZES = [(16, 16), (12, 20), (15, 17), (9, 14)]


def bands_reference(x: np.ndarray, edges) -> np.ndarray:
    """Band components (K, ...) with numpy's float64 complex DFT: distances
    from ``np.fft.fftfreq`` offsets, ``edges[k] <= d < edges[k + 1]`` and the
    last band closed at the top."""
    h, w = x.shape[-2:]
    u = np.round(np.fft.fftfreq(h) * h)
    v = np.round(np.fft.fftfreq(w) * w)
    d = np.sqrt(u[:, None]**2 + v[None, :]**2)
    spectrum = np.fft.fft2(x.astype(np.float64))
    out = []
    for k, (lo, hi) in enumerate(zip(edges[:-1], edges[1:])):
        last = k == len(edges) - 2
        keep = (d >= lo) & ((d <= hi) if last else (d < hi))
        out.append(np.fft.ifft2(spectrum * keep).real)
    return np.stack(out)


def psnr_reference(pred, target, edges, peak):
    diff = bands_reference(pred, edges) - bands_reference(target, edges)
    mse = (diff**2).mean(axis=(2, 3, 4))  # (K, N)
    return 10 * np.log10(peak**2 / mse).T


@pytest.mark.parametrize('size', SIZES)
def test_band_psnr_matches_float64_reference(rng, size):
    target = rng.uniform(0, 255, (3, 3) + size).astype(np.float32)
    pred = (target + rng.normal(0, 20, target.shape)).astype(np.float32)
    edges = frequency.band_edges(size, 3)
    out = frequency.band_psnr(
        torch.from_numpy(pred), torch.from_numpy(target), edges, peak=255)
    assert out.dtype == torch.float32 and out.shape == (3, len(edges) - 1)
    expected = psnr_reference(pred, target, edges, 255)
    np.testing.assert_allclose(out.numpy(), expected, rtol=0, atol=1e-3)


def test_band_edges_reach_the_corners():
    # 16 x 20: corner distance sqrt(8^2 + 10^2) = 12.81
    edges = frequency.band_edges((16, 20), 4)
    assert edges[:-1] == (0, 4, 8, 12)
    assert edges[-1] == pytest.approx(math.sqrt(164))
    index = frequency.band_index((16, 20), edges)
    assert index[8, 10] == 3 and index[0, 0] == 0  # corner, zero frequency
    assert index[0, 4] == 1 and index[3, 0] == 0  # d = 4 opens band 1
    # the corner distance exactly a multiple of the width
    assert frequency.band_edges((6, 8), 5) == (0, 5.0)


@pytest.mark.parametrize('size', SIZES)
def test_bands_partition_the_spectrum(rng, size):
    x = rng.standard_normal((2, 3) + size)
    edges = frequency.band_edges(size, 2.5)
    parts = frequency.band_components(torch.from_numpy(x), edges)
    assert parts.shape == (2, 3, len(edges) - 1) + size
    np.testing.assert_allclose(parts.sum(2).numpy(), x, atol=1e-12)
    np.testing.assert_allclose(
        parts.numpy(),
        np.moveaxis(bands_reference(x, edges), 0, 2),
        atol=1e-12)
    energy = frequency.band_energy(torch.from_numpy(x), edges)
    np.testing.assert_allclose(energy.sum(-1).numpy(), (x**2).sum((-2, -1)))
    np.testing.assert_allclose(energy.numpy(), (parts**2).sum((-2, -1)))


def test_own_low_pass_is_exact_inside_the_radius(rng):
    # The target is its own exact low-pass; the prediction adds frequencies
    # beyond the radius only: every band inside the disc is error-free.
    size, radius = (24, 21), 6
    target = low_pass_reference(rng.uniform(0, 255, (2, 3) + size), radius)
    noise = rng.normal(0, 30, target.shape)
    pred = target + noise - low_pass_reference(noise, radius)
    # three bands inside d <= 6 (the next distance is sqrt(37) = 6.08)
    edges = (0, 2, 4, 6.05, 9, math.inf)
    for dtype in (torch.float32, torch.float64):
        out = frequency.band_psnr(
            torch.tensor(pred, dtype=dtype), torch.tensor(target, dtype=dtype),
            edges)
        assert torch.isinf(out[:, :3]).all()
        assert torch.isfinite(out[:, 3:]).all() and (out[:, 3:] < 60).all()
    raw = frequency.band_psnr(
        torch.tensor(pred), torch.tensor(target), edges, max_db=None)
    assert (raw[:, :3] > 200).all()  # float64 round-off


def test_half_inputs_run_in_float32(rng):
    # eighths and a sixteenth are exact in bfloat16
    target = torch.from_numpy(rng.integers(0, 9, (2, 3, 14, 10)) / 8)
    pred = target + 1 / 16
    with torch.autocast('cpu', dtype=torch.bfloat16):
        out = frequency.band_psnr(pred.bfloat16(), target.bfloat16(),
                                  (0, 3, 10), 1.)
    assert out.dtype == torch.float32
    # a constant offset lives in the zero frequency: band 0 only
    np.testing.assert_allclose(out[:, 0], 20 * np.log10(16), rtol=1e-6)
    assert torch.isinf(out[:, 1]).all()


@pytest.mark.parametrize('edges', [(1, 5, 20), (0, 5, 5, 20), (0, 5), (0, ),
                                   (0, 20, 10)])
def test_bad_edges_name_the_rule(edges):
    with pytest.raises(ValueError, match='edges must increase strictly'):
        frequency.band_psnr(
            torch.zeros(1, 1, 16, 16), torch.zeros(1, 1, 16, 16), edges)


def test_bad_width_and_peak():
    with pytest.raises(ValueError, match='width must be a number > 0'):
        frequency.band_edges(16, 0)
    with pytest.raises(ValueError, match='peak must be > 0'):
        frequency.band_psnr(
            torch.zeros(1, 1, 4, 4), torch.ones(1, 1, 4, 4), (0, 3), 0)


MEAN = (123.675, 116.28, 103.53)
STD = (58.395, 57.12, 57.375)


class Oracle(torch.nn.Module):
    """A neck (MAE: ``(latent, ids_restore) -> (N, L, p*p*C)``; MFM:
    ``feature -> (N, C, H, W)``) predicting the clean normalised images plus
    ``offset``, as the head expects them (per-patch normalised with
    ``norm_pix``)."""

    def __init__(self, model, images, offset=0.):
        super().__init__()
        self.model, self.offset = [model], offset
        self.inputs = model.data_preprocessor(
            dict(inputs=images, data_samples=None))['inputs']
        self.calls = 0

    def forward(self, *args):
        chunk = self.inputs[self.calls * 2:self.calls * 2 + 2]
        self.calls += 1
        head = self.model[0].head
        if not hasattr(head, 'patchify'):  # MFM
            return chunk + self.offset
        patches = head.patchify(chunk)
        if head.norm_pix:
            patches = (patches - patches.mean(-1, keepdim=True)) / (
                patches.var(-1, keepdim=True) + 1e-6)**.5
        return patches + self.offset


def build(cfg):
    from mmpretrain.registry import MODELS

    import pixmim_plugin  # noqa: F401
    cfg['data_preprocessor'] = dict(
        type='SelfSupDataPreprocessor', mean=MEAN, std=STD, to_rgb=True)
    return MODELS.build(cfg).eval()


def test_exact_predictions_give_inf_in_every_band(rng):
    from helpers import tiny_mae_cfg, tiny_mfm_cfg

    from pixmim_plugin.analysis import reconstruction_band_psnr
    images = torch.from_numpy(rng.uniform(0, 255, (4, 3, 32, 32))).float()
    edges = frequency.band_edges(32, 8)
    pixmim = build(
        tiny_mae_cfg('PixMIM', 32, 8,
                     dict(type='LowFreqTargetGenerator', radius=4)))
    mfm = build(tiny_mfm_cfg((32, 32), 4))
    for model, options in [(pixmim, dict(paste='none')), (mfm, {})]:
        model.neck = Oracle(model, images)
        out = reconstruction_band_psnr(
            model, images, edges, batch_size=2, **options)
        assert out.shape == (4, len(edges) - 1) and np.isinf(out).all()
    # the low-pass target's patch statistics are not the input's
    pixmim.neck = Oracle(pixmim, images)
    out = reconstruction_band_psnr(
        pixmim, images, edges, batch_size=2, norm_stats='target')
    assert np.isfinite(out).all()


@pytest.mark.parametrize('paste,fraction', [('none', 1.), ('input', .75)])
def test_offset_prediction_gives_known_errors(rng, paste, fraction):
    # Without norm_pix, an offset c on the normalised prediction is an error
    # of c * std per channel: in the zero frequency only when it covers the
    # image; on the masked 75 % of it when the visible patches are pasted,
    # with a total MSE (the sum over bands, by Parseval) of 0.75 mean(c^2 s^2)
    from helpers import tiny_mae_cfg

    from pixmim_plugin.analysis import reconstruction_band_psnr
    images = torch.from_numpy(rng.uniform(0, 255, (4, 3, 32, 32))).float()
    cfg = tiny_mae_cfg('MAE', 32, 8)
    cfg['head']['norm_pix'] = False
    model = build(cfg)
    model.neck = Oracle(model, images, offset=0.5)
    edges = frequency.band_edges(32, 4)
    out = reconstruction_band_psnr(
        model, images, edges, mask_seed=3, paste=paste, batch_size=2)
    mse = (0.5 * np.array(STD))**2
    total = (255**2 * 10**(-out / 10)).sum(1)
    np.testing.assert_allclose(total, fraction * mse.mean(), rtol=1e-4)
    if paste == 'none':
        assert np.isinf(out[:, 1:]).all()
    else:
        assert np.isfinite(out).all()


def test_masks_follow_the_seed_and_leave_the_global_state(rng):
    from helpers import tiny_mae_cfg

    from pixmim_plugin.analysis import reconstruction_band_psnr
    images = torch.from_numpy(rng.uniform(0, 255, (2, 3, 32, 32))).float()
    model = build(tiny_mae_cfg('MAE', 32, 8))
    state = torch.random.get_rng_state()
    runs = [
        reconstruction_band_psnr(model, images, (0, 8, 30), mask_seed=s)
        for s in (1, 1, 2)
    ]
    assert torch.equal(state, torch.random.get_rng_state())
    np.testing.assert_array_equal(runs[0], runs[1])
    assert not np.array_equal(runs[0], runs[2])
    with pytest.raises(ValueError, match='paste must be one of'):
        reconstruction_band_psnr(model, images, (0, 30), paste='target')


def test_paired_differences_against_the_first_model(tmp_path):
    from pixmim_plugin.analysis.frequency_psnr import (save_band_psnr,
                                                       save_paired_differences)
    edges = (0, 4, 10)
    ref = np.array([[20., 30.], [22., 34.]])
    other = ref + np.array([[1., -2.], [3., -2.]])
    results = {'a': (edges, ref), 'b': (edges, other), 'c': ((0, 5, 10), ref)}
    lines = save_band_psnr(results, str(tmp_path))
    assert lines[0] == 'a 0 0 4 21.000 1.000 2'
    assert (tmp_path / 'band_psnr.png').stat().st_size > 0
    lines = save_paired_differences(results, str(tmp_path))
    # band 0: differences 1 and 3; band 1: -2 and -2; 'c' has other edges
    assert lines == [
        'b a 0 0 4 2.000 1.000 0.707 0.000 2',
        'b a 1 4 10 -2.000 0.000 0.000 1.000 2'
    ]
    rows = (tmp_path / 'band_psnr_paired.csv').read_text().splitlines()
    assert rows[0].startswith('model,reference,band') and len(rows) == 3
