import math

import numpy as np
import pytest
import torch
from helpers import low_pass_reference, tiny_mae_cfg
from mmpretrain.registry import MODELS

import pixmim_plugin  # noqa: F401


def generator(**kwargs):
    return MODELS.build(dict(type='AdaptiveLowFreqTargetGenerator', **kwargs))


def test_radius_starts_at_init_and_stays_in_bounds():
    gen = generator(init_radius=30)
    assert gen.radius.item() == pytest.approx(30)
    for theta in (-1e4, -8., 0., 8., 1e4):
        gen.theta.data.fill_(theta)
        assert 20 <= gen.radius.item() <= 60
    # a few large optimiser steps in one direction end at the floor
    gen.theta.data.fill_(0.)
    optim = torch.optim.SGD(gen.parameters(), lr=100.)
    for _ in range(5):
        optim.zero_grad()
        gen.radius.backward()  # minimise r
        optim.step()
        assert 20 <= gen.radius.item() <= 60
    assert gen.radius.item() == pytest.approx(20, abs=1e-3)


@pytest.mark.parametrize('size', [(32, 32), (28, 36), (31, 25)])
def test_zero_temperature_limit_is_the_ideal_filter(rng, size):
    # 64 px -> r = 37 * 32 / 224 = 5.2857 at 32 px, r^2 = 27.94: no lattice
    # point on the circle, so the ideal filter is the limit everywhere
    x = rng.standard_normal((2, 3) + size).astype(np.float32)
    gen = generator(init_radius=37., temperature=1e-4)
    out = gen(torch.from_numpy(x))
    radius = 37. * min(size) / 224
    expected = low_pass_reference(x, radius)
    np.testing.assert_allclose(out.detach().numpy(), expected, atol=1e-4)
    fixed = MODELS.build(
        dict(type='LowFreqTargetGenerator', radius=37., ref_size=224))
    np.testing.assert_allclose(
        out.detach().numpy(), fixed(torch.from_numpy(x)).numpy(), atol=1e-4)


def test_soft_edge_weights_bins_by_distance():
    # a cosine at (3, 4), d = 5, passes with weight sigmoid((r - 5) / T)
    h, w = 40, 40
    yy, xx = np.mgrid[0:h, 0:w]
    wave = np.cos(2 * np.pi * (3 * yy / h + 4 * xx / w))[None, None]
    gen = generator(init_radius=35., temperature=0.5)  # r = 6.25 bins
    out = gen(torch.from_numpy(wave).float())
    weight = 1 / (1 + math.exp(-(35 * 40 / 224 - 5) / 0.5))
    np.testing.assert_allclose(out.detach().numpy(), weight * wave, atol=1e-5)


def test_the_mim_loss_reaches_the_radius_and_logs_it():
    torch.manual_seed(0)
    model = MODELS.build(
        tiny_mae_cfg('PixMIM', 32, 8,
                     dict(type='AdaptiveLowFreqTargetGenerator')))
    losses = model.loss(torch.randn(2, 3, 32, 32), [])
    assert set(losses) == {'loss', 'radius'}
    assert losses['radius'].item() == pytest.approx(40)
    assert not losses['radius'].requires_grad
    losses['loss'].backward()
    grad = model.target_generator.theta.grad
    assert grad is not None and grad.item() != 0
    # the loss sums keys with 'loss' only: the radius is logged, not trained
    total, log_vars = model.parse_losses(losses)
    assert total is losses['loss'] or torch.equal(total, losses['loss'])
    assert log_vars['radius'].item() == pytest.approx(40)


@pytest.mark.parametrize(
    'kwargs,match',
    [(dict(min_radius=0), r'min_radius must lie in \(0, ref_size / 2\]'),
     (dict(max_radius=120), r'max_radius must lie in \(0, ref_size / 2\]'),
     (dict(min_radius=50, max_radius=30), 'must be below max_radius'),
     (dict(init_radius=60), 'init_radius must lie strictly inside'),
     (dict(temperature=0), 'temperature must be a finite number > 0'),
     (dict(temperature=-1), 'temperature must be a finite number > 0'),
     (dict(ref_size=64, min_radius=10, max_radius=40, init_radius=20),
      r'max_radius must lie in \(0, ref_size / 2\] = \(0, 32.0\]')])
def test_bad_arguments_fail_at_build(kwargs, match):
    with pytest.raises(ValueError, match=match):
        generator(**kwargs)
