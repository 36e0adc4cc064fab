import cv2
import numpy as np
import pytest
import torch
from mmpretrain.registry import MODELS

import pixmim_plugin  # noqa: F401

MEAN = torch.tensor([123.675, 116.28, 103.53]).view(3, 1, 1)
STD = torch.tensor([58.395, 57.12, 57.375]).view(3, 1, 1)


def build(cfg):
    return MODELS.build(cfg)


def disc_reference(h, w, radius):
    """Strict disc u^2 + v^2 < r^2 on integer offsets from the zero
    frequency (numpy's own frequency grid)."""
    u = np.round(np.fft.fftfreq(h) * h)
    v = np.round(np.fft.fftfreq(w) * w)
    return u[:, None]**2 + v[None, :]**2 < radius**2


def corruption_reference(pixels, radius, keep_low):
    """float64 numpy: mask the spectrum, inverse, real part, clamp."""
    h, w = pixels.shape[-2:]
    disc = disc_reference(h, w, radius)
    keep = disc if keep_low else ~disc
    out = np.fft.ifft2(np.fft.fft2(pixels.astype(np.float64)) * keep).real
    return np.clip(out, 0, 255), ~keep


@pytest.mark.parametrize('size', [(32, 32), (24, 40), (33, 27)])
@pytest.mark.parametrize('prob', [0.0, 1.0])
def test_frequency_corruption_matches_reference(rng, size, prob):
    radius = 5  # (3, 4) and (5, 0) lie on the circle: not in the disc
    pixels = rng.uniform(0, 255, (3, 3) + size)
    inputs = (torch.from_numpy(pixels).float() - MEAN) / STD
    corruption = build(
        dict(type='FrequencyCorruption', radius=radius, low_pass_prob=prob))
    out, removed = corruption(inputs, MEAN, STD)
    expected, expected_removed = corruption_reference(
        pixels, radius, keep_low=prob == 1.0)
    np.testing.assert_allclose(
        (out * STD + MEAN).numpy(), expected,
        atol=1e-2)  # float32 pixels in 0..255
    assert removed.shape == (3, 1) + size
    assert np.array_equal(removed[0, 0].numpy(), expected_removed)
    if prob == 0.0:  # high-pass images are mostly out of range: clamped
        assert (expected == 0).mean() > 0.2


def test_polarity_is_drawn_per_image():
    corruption = build(
        dict(type='FrequencyCorruption', radius=4, low_pass_prob=0.3))
    torch.manual_seed(0)
    inputs = torch.randn(4000, 1, 16, 16)
    _, removed = corruption(inputs, torch.zeros(1, 1, 1), torch.ones(1, 1, 1))
    low = ~removed[:, 0, 0, 0]  # the zero frequency kept: a low-pass image
    assert 0.27 < low.float().mean().item() < 0.33


def frequency_loss_reference(pred, target, removed):
    diff = np.fft.fft2(
        pred.astype(np.float64), norm='ortho') - np.fft.fft2(
            target.astype(np.float64), norm='ortho')
    dist = np.abs(diff)  # (N, C, H, W)
    weight = np.broadcast_to(removed, dist.shape)
    return (dist * weight).sum() / weight.sum()


def test_frequency_loss_pools_over_the_batch(rng):
    pred = rng.standard_normal((2, 3, 20, 24))
    pred[1] *= 5  # the high-pass image's errors are larger
    target = rng.standard_normal((2, 3, 20, 24))
    disc = disc_reference(20, 24, 5)
    removed = np.stack([~disc, disc])[:, None]  # low-pass, high-pass image
    loss = build(dict(type='FrequencyLoss'))(torch.from_numpy(pred).float(),
                                             torch.from_numpy(target).float(),
                                             torch.from_numpy(removed))
    expected = frequency_loss_reference(pred, target, removed)
    assert loss.item() == pytest.approx(expected, rel=1e-5)
    # not the mean of per-image means: the two images weigh differently
    per_image = np.mean([
        frequency_loss_reference(pred[i:i + 1], target[i:i + 1],
                                 removed[i:i + 1]) for i in range(2)
    ])
    assert abs(per_image - expected) > 0.1
    full = build(dict(type='FrequencyLoss'))(torch.from_numpy(pred).float(),
                                             torch.from_numpy(target).float())
    assert full.item() == pytest.approx(
        frequency_loss_reference(pred, target, np.ones_like(removed)),
        rel=1e-5)


@pytest.mark.parametrize('dtype', [torch.float16, torch.bfloat16])
def test_frequency_loss_gradients_and_half_precision(rng, dtype):
    target = torch.from_numpy(rng.standard_normal((2, 3, 16, 16))).float()
    pred = torch.from_numpy(rng.standard_normal((2, 3, 16, 16))).to(dtype)
    mask = torch.from_numpy(~disc_reference(16, 16, 4))[None, None]
    pred.requires_grad_(True)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        loss = build(dict(type='FrequencyLoss'))(pred, target, mask)
    assert loss.dtype == torch.float32
    expected = frequency_loss_reference(pred.detach().double().numpy(),
                                        target.numpy(), mask.numpy())
    assert loss.item() == pytest.approx(expected, rel=1e-5)
    loss.backward()
    assert pred.grad is not None and pred.grad.abs().sum() > 0


def cubic_resize_reference(img, out_h, out_w):
    """Separable cubic convolution (Keys, a = -0.75, PyTorch's bicubic),
    half-pixel centres, edge-clamped taps, no antialiasing; float64."""

    def weights(n_in, n_out):
        a, scale = -0.75, n_in / n_out
        mat = np.zeros((n_out, n_in))
        for i in range(n_out):
            src = (i + 0.5) * scale - 0.5
            base = int(np.floor(src))
            for k in range(base - 1, base + 3):
                d = abs(src - k)
                if d <= 1:
                    wgt = (a + 2) * d**3 - (a + 3) * d**2 + 1
                else:
                    wgt = a * d**3 - 5 * a * d**2 + 8 * a * d - 4 * a
                mat[i, min(max(k, 0), n_in - 1)] += wgt
        return mat

    h, w = img.shape[-2:]
    return weights(h, out_h) @ img @ weights(w, out_w).T


def test_down_up_sample_corruption_matches_reference(rng):
    pixels = rng.uniform(0, 255, (2, 3, 32, 48))
    inputs = (torch.from_numpy(pixels).float() - MEAN) / STD
    out, mask = build(dict(type='DownUpSampleCorruption', factor=8))(inputs,
                                                                     MEAN, STD)
    small = np.clip(cubic_resize_reference(pixels, 4, 6), 0, 255)
    expected = np.clip(cubic_resize_reference(small, 32, 48), 0, 255)
    assert mask is None
    np.testing.assert_allclose((out * STD + MEAN).numpy(), expected, atol=1e-2)


@pytest.mark.parametrize('size', [7, 21])
def test_blur_corruption_matches_opencv(rng, size):
    pixels = rng.uniform(0, 255, (2, 3, 40, 36))
    inputs = (torch.from_numpy(pixels).float() - MEAN) / STD
    out, _ = build(
        dict(type='GaussianBlurCorruption', sigma=5,
             kernel_sizes=[size]))(inputs, MEAN, STD)
    kernel = cv2.getGaussianKernel(size, 5)
    kernel = kernel @ kernel.T  # normalised isotropic 2-D Gaussian
    expected = np.stack([[
        cv2.filter2D(channel, -1, kernel, borderType=cv2.BORDER_REFLECT_101)
        for channel in image
    ] for image in pixels])
    np.testing.assert_allclose((out * STD + MEAN).numpy(), expected, atol=1e-2)


def test_blur_kernel_size_is_drawn_per_image():
    corruption = build(dict(type='GaussianBlurCorruption'))
    torch.manual_seed(0)
    impulse = torch.zeros(64, 1, 48, 48)
    impulse[:, :, 24, 24] = 1
    out, _ = corruption(impulse, torch.zeros(1, 1, 1), torch.ones(1, 1, 1))
    support = (out[:, 0, 24] > 0).sum(-1)  # = the kernel size
    assert set(support.tolist()) == set(range(7, 22, 2))


def test_noise_corruption_is_unclipped_gaussian():
    torch.manual_seed(0)
    pixels = torch.full((8, 3, 64, 64), 250.)
    out, _ = build(dict(type='GaussianNoiseCorruption'))((pixels - MEAN) / STD,
                                                         MEAN, STD)
    noise = (out * STD + MEAN - pixels).double()
    assert noise.mean().abs() < 1.0 and abs(noise.std() - 75) < 1.0
    assert (out * STD + MEAN).max() > 255 + 100  # not clipped
    corr = np.corrcoef(noise[:, 0].flatten(), noise[:, 1].flatten())[0, 1]
    assert abs(corr) < 0.02  # channels independent


@pytest.mark.parametrize('cfg,match', [
    (dict(type='FrequencyCorruption', radius=-1), 'radius'),
    (dict(type='FrequencyCorruption', radius=0), 'radius must be > 0'),
    (dict(type='FrequencyCorruption', low_pass_prob=1.5), 'low_pass_prob'),
    (dict(type='FrequencyCorruption', low_pass_prob=-0.1), 'low_pass_prob'),
    (dict(type='FrequencyCorruption', pixel_range=(1, 0)), 'pixel_range'),
    (dict(type='DownUpSampleCorruption', factor=0), 'factor'),
    (dict(type='GaussianBlurCorruption', kernel_sizes=[8]), 'kernel_sizes'),
    (dict(type='GaussianNoiseCorruption', sigma=0), 'sigma'),
    (dict(type='FrequencyLoss', eps=-1), 'eps'),
])
def test_bad_config_fails_when_built(cfg, match):
    with pytest.raises(ValueError, match=match):
        build(cfg)


def test_bad_input_is_named():
    corruption = build(dict(type='FrequencyCorruption', radius=16))
    with pytest.raises(ValueError, match='radius=16 is beyond the spectrum'):
        corruption(torch.zeros(1, 3, 24, 24), MEAN, STD)
    with pytest.raises(ValueError, match=r'\(N, C, H, W\)'):
        corruption(torch.zeros(3, 24, 24), MEAN, STD)
    loss = build(dict(type='FrequencyLoss'))
    with pytest.raises(ValueError, match='pred and target'):
        loss(torch.zeros(1, 3, 8, 8), torch.zeros(1, 3, 8, 9))
