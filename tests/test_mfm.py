import cv2
import numpy as np
import pytest
import torch
from helpers import tiny_mfm_cfg
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
    out, removed, spectrum = corruption(inputs, MEAN, STD)
    expected, expected_removed = corruption_reference(
        pixels, radius, keep_low=prob == 1.0)
    np.testing.assert_allclose(
        (out * STD + MEAN).numpy(), expected,
        atol=1e-2)  # float32 pixels in 0..255
    half = size[1] // 2 + 1  # the rfft2 half of the removed bins
    assert removed.shape == (3, 1, size[0], half)
    assert np.array_equal(removed[0, 0].numpy(), expected_removed[:, :half])
    assert spectrum is None  # the loss transforms pred - clean once
    if prob == 0.0:  # high-pass images are mostly out of range: clamped
        assert (expected == 0).mean() > 0.2


def test_polarity_is_drawn_per_image():
    corruption = build(
        dict(type='FrequencyCorruption', radius=4, low_pass_prob=0.3))
    torch.manual_seed(0)
    inputs = torch.randn(4000, 1, 16, 16)
    _, removed, _ = corruption(inputs, torch.zeros(1, 1, 1),
                               torch.ones(1, 1, 1))
    low = ~removed[:, 0, 0, 0]  # the zero frequency kept: a low-pass image
    assert 0.27 < low.float().mean().item() < 0.33


def frequency_loss_reference(pred, target, removed, eps=0.):
    """float64 numpy: full orthonormal spectra, modulus of the difference,
    sum over the removed bins of all images and channels divided by their
    count (pooled over the batch)."""
    diff = np.fft.fft2(
        pred.astype(np.float64), norm='ortho') - np.fft.fft2(
            target.astype(np.float64), norm='ortho')
    dist = np.sqrt(np.abs(diff)**2 + eps)  # (N, C, H, W)
    weight = np.broadcast_to(removed, dist.shape)
    return (dist * weight).sum() / weight.sum()


def frequency_loss_gradient_reference(pred, target, removed, eps=0.):
    """d loss / d pred of :func:`frequency_loss_reference`: the adjoint of
    the orthonormal DFT is its inverse."""
    diff = np.fft.fft2(pred, norm='ortho') - np.fft.fft2(target, norm='ortho')
    weight = np.broadcast_to(removed, diff.shape)
    grad = weight * diff / np.sqrt(np.abs(diff)**2 + eps) / weight.sum()
    return np.fft.ifft2(grad, norm='ortho').real


@pytest.mark.parametrize('width', [24, 23])
@pytest.mark.parametrize('target_form', ['images', 'spectrum'])
@pytest.mark.parametrize('mask_form', ['full', 'half', 'asymmetric', None])
def test_frequency_loss_pools_over_the_batch(rng, width, target_form,
                                             mask_form):
    pred = rng.standard_normal((2, 3, 20, width))
    pred[1] *= 5  # the high-pass image's errors are larger
    target = rng.standard_normal((2, 3, 20, width))
    disc = disc_reference(20, width, 5)
    removed = np.stack([~disc, disc])[:, None]  # low-pass, high-pass image
    if mask_form == 'asymmetric':  # any full mask is folded exactly
        removed = rng.random((2, 3, 20, width)) < 0.3
    elif mask_form is None:
        removed = np.ones((1, 1, 20, width), bool)
    target_t = torch.from_numpy(target).float()
    if target_form == 'spectrum':
        target_t = torch.fft.rfft2(target_t)
    mask = torch.from_numpy(removed)
    if mask_form == 'half':
        mask = mask[..., :width // 2 + 1]
    pred_t = torch.from_numpy(pred).float().requires_grad_()
    mask = None if mask_form is None else mask
    loss = build(dict(type='FrequencyLoss', eps=1e-3))(pred_t, target_t, mask)
    expected = frequency_loss_reference(pred, target, removed, eps=1e-3)
    assert loss.item() == pytest.approx(expected, rel=1e-5)
    loss.backward()
    np.testing.assert_allclose(
        pred_t.grad.numpy(),
        frequency_loss_gradient_reference(pred, target, removed, 1e-3),
        rtol=0,
        atol=1e-5 * np.abs(pred_t.grad.numpy()).max())
    if mask_form == 'full':
        # not the mean of per-image means: the two images weigh differently
        per_image = np.mean([
            frequency_loss_reference(pred[i:i + 1], target[i:i + 1],
                                     removed[i:i + 1], 1e-3) for i in range(2)
        ])
        assert abs(per_image - expected) > 0.1


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
    assert pred.grad.dtype == dtype and pred.grad.abs().sum() > 0


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
    out, mask, spectrum = build(dict(type='DownUpSampleCorruption',
                                     factor=8))(inputs, MEAN, STD)
    small = np.clip(cubic_resize_reference(pixels, 4, 6), 0, 255)
    expected = np.clip(cubic_resize_reference(small, 32, 48), 0, 255)
    assert mask is None and spectrum is None
    np.testing.assert_allclose((out * STD + MEAN).numpy(), expected, atol=1e-2)


@pytest.mark.parametrize('size', [7, 21])
def test_blur_corruption_matches_opencv(rng, size):
    pixels = rng.uniform(0, 255, (2, 3, 40, 36))
    inputs = (torch.from_numpy(pixels).float() - MEAN) / STD
    out = build(
        dict(type='GaussianBlurCorruption', sigma=5,
             kernel_sizes=[size]))(inputs, MEAN, STD).corrupted
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
    identity = torch.zeros(1, 1, 1), torch.ones(1, 1, 1)
    out = corruption(impulse, *identity).corrupted
    support = (out[:, 0, 24] > 0).sum(-1)  # = the kernel size
    assert set(support.tolist()) == set(range(7, 22, 2))


def test_noise_corruption_is_unclipped_gaussian():
    torch.manual_seed(0)
    pixels = torch.full((8, 3, 64, 64), 250.)
    out = build(dict(type='GaussianNoiseCorruption'))((pixels - MEAN) / STD,
                                                      MEAN, STD).corrupted
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
    with pytest.raises(ValueError, match='pred and target'):
        loss(torch.zeros(1, 3, 8, 8), torch.zeros(1, 3, 8, 8).cfloat())
    with pytest.raises(ValueError, match='mask must be'):
        loss(
            torch.zeros(1, 3, 8, 8), torch.zeros(1, 3, 8, 8),
            torch.zeros(1, 1, 8, 6, dtype=torch.bool))


def mfm_step_reference(model, inputs, mean, std, low, corrupt):
    """float64 numpy MFM step: un-normalise, corrupt each image, normalise,
    the model's backbone and neck, frequency loss pooled over the batch.
    Returns the corrupted inputs and the loss."""
    x = inputs.double().numpy()
    pixels = x * std + mean
    corrupted, removed = zip(
        *[corrupt(p, keep) for p, keep in zip(pixels, low)])
    corrupted = (np.stack(corrupted) - mean) / std
    with torch.no_grad():
        pred = model.neck(
            model.backbone(torch.from_numpy(corrupted).float())[-1])
    removed = np.stack(removed)[:, None]  # (N, 1, H, W)
    loss = frequency_loss_reference(pred.double().numpy(), x, removed, 1e-12)
    return corrupted, loss


@pytest.mark.parametrize('normalise', [True, False])
@pytest.mark.parametrize('width', [12, 13])
def test_mfm_loss_matches_float64_reference(rng, monkeypatch, normalise,
                                            width):
    model = build(tiny_mfm_cfg(img_size=(12, width), normalise=normalise))
    mean, std = (MEAN.double().numpy(), STD.double().numpy()) if normalise \
        else (0., 1.)  # no normalisation: the inputs are pixels
    pixels = rng.uniform(0, 255, (4, 3, 12, width))
    inputs = torch.from_numpy((pixels - mean) / std).float()
    low = torch.tensor([True, False, False, True])  # both in one batch
    monkeypatch.setattr(model.corruption, 'sample_low_pass',
                        lambda num, device: low.to(device))
    loss = model.loss(inputs, [])['loss']
    corrupted, expected = mfm_step_reference(
        model, inputs, mean, std, low.tolist(),
        lambda p, keep: corruption_reference(p, 3, keep))
    assert loss.item() == pytest.approx(expected, rel=1e-4)
    out = model.corrupt_and_predict(inputs)
    np.testing.assert_allclose(
        out['corrupted'].numpy(), corrupted, atol=1e-5 * 255 / np.min(std))
    # the choice read back: the zero frequency is removed from high-pass
    # images only
    assert out['loss_mask'][:, 0, 0, 0].tolist() == (~low).tolist()


def test_mfm_loss_with_a_degradation_covers_the_whole_spectrum(rng):
    model = build(
        tiny_mfm_cfg(
            img_size=(12, 13),
            corruption=dict(type='DownUpSampleCorruption', factor=2)))
    mean, std = MEAN.double().numpy(), STD.double().numpy()
    pixels = rng.uniform(0, 255, (2, 3, 12, 13))
    inputs = torch.from_numpy((pixels - mean) / std).float()
    loss = model.loss(inputs, [])['loss']

    def down_up(p, keep):
        small = np.clip(cubic_resize_reference(p, 6, 6), 0, 255)
        up = np.clip(cubic_resize_reference(small, 12, 13), 0, 255)
        return up, np.ones(p.shape[-2:], bool)

    _, expected = mfm_step_reference(model, inputs, mean, std, [None] * 2,
                                     down_up)
    assert loss.item() == pytest.approx(expected, rel=1e-4)
