"""The CUDA group (``pytest -m cuda``): mixed precision, TF32 and the
per-device caches. Skipped without a GPU."""
import copy

import numpy as np
import pytest
import torch
from helpers import low_pass_reference, tiny_mae_cfg, tiny_mfm_cfg
from mmpretrain.registry import MODELS

import pixmim_plugin  # noqa: F401
from pixmim_plugin import frequency

pytestmark = [
    pytest.mark.cuda,
    pytest.mark.skipif(
        not torch.cuda.is_available(), reason='needs a CUDA device')
]

HALF = [torch.float16, torch.bfloat16]
# |AMP loss / fp32 loss - 1| of a one-block model, one step: half-precision
# matrix products (11 and 8 significant bits) feed the loss
LOSS_RTOL = {torch.float16: 1e-2, torch.bfloat16: 5e-2}


@pytest.fixture
def same_noise_everywhere(monkeypatch):
    """``torch.rand`` draws from a CPU generator seeded for each call, so
    MAE's masking is the same on every device."""
    real = torch.rand

    def rand(*size, device=None, **kwargs):
        generator = torch.Generator().manual_seed(0)
        return real(*size, generator=generator, **kwargs).to(device)

    monkeypatch.setattr(torch, 'rand', rand)


@pytest.fixture
def tf32():
    """TF32 matrix products and convolutions allowed, as many training
    scripts set them; restored afterwards."""
    saved = (torch.backends.cuda.matmul.allow_tf32,
             torch.backends.cudnn.allow_tf32)
    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.allow_tf32 = True
    yield
    torch.backends.cuda.matmul.allow_tf32 = saved[0]
    torch.backends.cudnn.allow_tf32 = saved[1]


def tiny_models():
    """A tiny PixMIM and a tiny MFM (both polarities in the batch), with
    clean normalised inputs."""
    pixmim = MODELS.build(
        tiny_mae_cfg('PixMIM', 32, 8,
                     dict(type='LowFreqTargetGenerator', radius=6)))
    mfm = MODELS.build(tiny_mfm_cfg(img_size=(32, 32), patch_size=8))
    low = torch.tensor([True, False, True, False])
    mfm.corruption.sample_low_pass = lambda num, device: low.to(device)
    rng = np.random.default_rng(0)
    pixels = torch.from_numpy(rng.uniform(0, 255, (4, 3, 32, 32))).float()
    mean = torch.tensor([123.675, 116.28, 103.53]).view(3, 1, 1)
    std = torch.tensor([58.395, 57.12, 57.375]).view(3, 1, 1)
    return dict(PixMIM=pixmim, MFM=mfm), (pixels - mean) / std


@pytest.mark.parametrize('algorithm', ['PixMIM', 'MFM'])
@pytest.mark.parametrize('dtype', HALF)
def test_amp_training_step(same_noise_everywhere, algorithm, dtype):
    models, inputs = tiny_models()
    model = models[algorithm]
    expected = model.loss(inputs, [])['loss'].item()  # fp32 on the CPU
    model = copy.deepcopy(model).cuda()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    # a modest initial scale: the test is about finite gradients, not about
    # the scaler skipping its first overflowing steps
    scaler = torch.amp.GradScaler(
        'cuda', init_scale=2.**10, enabled=dtype == torch.float16)
    with torch.autocast('cuda', dtype=dtype):
        loss = model.loss(inputs.cuda(), [])['loss']
    assert loss.dtype == torch.float32
    assert loss.item() == pytest.approx(expected, rel=LOSS_RTOL[dtype])
    scaler.scale(loss).backward()
    scaler.unscale_(optimizer)
    grads = [p.grad for p in model.parameters() if p.grad is not None]
    assert grads and all(g.isfinite().all() for g in grads)
    assert any(g.abs().sum() > 0 for g in grads)
    before = [p.detach().clone() for p in model.parameters()]
    scaler.step(optimizer)
    scaler.update()
    assert any(not torch.equal(b, p)
               for b, p in zip(before, model.parameters()))


@pytest.mark.parametrize('dtype', HALF)
@pytest.mark.parametrize('autocast', [False, True])
def test_half_precision_inputs_give_float32_filters(rng, dtype, autocast):
    x = torch.from_numpy(rng.standard_normal((2, 3, 56, 40))).to(dtype)
    expected = low_pass_reference(x.double().numpy(), 10)
    generator = MODELS.build(dict(type='LowFreqTargetGenerator', radius=10))
    x = x.cuda()
    with torch.autocast('cuda', dtype=dtype, enabled=autocast):
        outputs = [
            frequency.low_pass(x, 10), *frequency.split_bands(x, 10),
            generator(x)
        ]
    low, _, high, target = outputs
    for out in outputs:
        assert out.dtype == torch.float32 and out.device.type == 'cuda'
    np.testing.assert_allclose(low.cpu().numpy(), expected, atol=1e-4)
    np.testing.assert_allclose(target.cpu().numpy(), expected, atol=1e-4)
    np.testing.assert_allclose(
        high.cpu().numpy(), x.double().cpu().numpy() - expected, atol=1e-4)


def test_targets_stay_exact_with_tf32(rng, tf32):
    x = rng.standard_normal((4, 3, 224, 224)).astype(np.float32)
    expected = low_pass_reference(x, 40)
    assert frequency.choose_method(224, 40, 'cuda') == 'fft'
    generator = MODELS.build(dict(type='LowFreqTargetGenerator', radius=40))
    xc = torch.from_numpy(x).cuda()
    for out in (frequency.low_pass(xc, 40), generator(xc)):
        np.testing.assert_allclose(out.cpu().numpy(), expected, atol=1e-4)


def test_frequency_loss_stays_exact_with_tf32(rng, tf32):
    pred = rng.standard_normal((2, 3, 32, 30))
    target = rng.standard_normal((2, 3, 32, 30))
    u = np.round(np.fft.fftfreq(32) * 32)
    v = np.round(np.fft.fftfreq(30) * 30)
    disc = u[:, None]**2 + v[None, :]**2 < 6**2
    removed = np.stack([~disc, disc])[:, None]
    diff = np.fft.fft2(pred, norm='ortho') - np.fft.fft2(target, norm='ortho')
    expected = (np.abs(diff) * removed).sum() / (3 * removed.sum())
    target_c = torch.from_numpy(target).float().cuda()
    loss = MODELS.build(dict(type='FrequencyLoss'))
    for target_form in (target_c, torch.fft.rfft2(target_c)):
        out = loss(
            torch.from_numpy(pred).float().cuda(), target_form,
            torch.from_numpy(removed[..., :16]).cuda())
        assert out.item() == pytest.approx(expected, rel=1e-5)


def test_filter_caches_are_keyed_by_device(rng):
    x = torch.from_numpy(rng.standard_normal((2, 3, 24, 26))).float()
    expected = low_pass_reference(x.numpy(), 5)
    # the same sizes first on one device, then on the other, both orders
    for devices in (('cpu', 'cuda'), ('cuda', 'cpu')):
        for device in devices:
            for method in ('dft', 'fft'):
                out = frequency.low_pass(x.to(device), 5, method=method)
                assert out.device.type == device
                np.testing.assert_allclose(
                    out.cpu().numpy(), expected, atol=1e-4)
            for mask in (frequency.disc_mask(40, 7, device=device),
                         frequency.half_disc_mask(40, 7, device=device),
                         frequency.hermitian_weights(40, device=device)):
                assert mask.device.type == device
            corruption = MODELS.build(
                dict(type='FrequencyCorruption', radius=5))
            out = corruption(
                x.to(device) * 0 + 1, torch.zeros(1, 1, 1, device=device),
                torch.ones(1, 1, 1, device=device))
            assert all(t.device.type == device for t in out)
