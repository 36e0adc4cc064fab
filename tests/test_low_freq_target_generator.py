import numpy as np
import pytest
import torch
from helpers import low_pass_reference
from mmpretrain.registry import MODELS

import pixmim_plugin  # noqa: F401
from pixmim_plugin.frequency import LOW_PASS_METHODS


def build(**kwargs):
    return MODELS.build(dict(type='LowFreqTargetGenerator', **kwargs))


@pytest.mark.parametrize('size', [(224, 224), (64, 96), (33, 47)])
def test_matches_reference_at_any_size(rng, size):
    x = rng.standard_normal((2, 3) + size).astype(np.float32)
    out = build(radius=12)(torch.from_numpy(x))
    np.testing.assert_allclose(
        out.numpy(), low_pass_reference(x, 12), atol=1e-4)


def test_commutes_with_normalisation(rng):
    # Filtering pixels then normalising equals normalising then filtering,
    # so the generator needs no denormalise/normalise round trip.
    pixels = rng.uniform(0, 255, (2, 3, 40, 40))
    mean = np.array([123.675, 116.28, 103.53])[:, None, None]
    std = np.array([58.395, 57.12, 57.375])[:, None, None]
    normalised = ((pixels - mean) / std).astype(np.float32)
    out = build(radius=7)(torch.from_numpy(normalised)).numpy()
    expected = (low_pass_reference(pixels, 7) - mean) / std
    np.testing.assert_allclose(out, expected, atol=1e-4)


def test_ref_size_scales_the_radius(rng):
    gen = build(radius=40, ref_size=224)
    assert gen.radius_for(112, 150) == pytest.approx(20)
    x = rng.standard_normal((1, 3, 112, 150)).astype(np.float32)
    np.testing.assert_allclose(
        gen(torch.from_numpy(x)).numpy(), low_pass_reference(x, 20), atol=1e-4)


def test_fp16_input_gives_float32_target(rng):
    x = torch.from_numpy(rng.standard_normal((2, 3, 32, 32))).half()
    out = build(radius=6)(x)
    assert out.dtype == torch.float32
    np.testing.assert_allclose(
        out.numpy(), low_pass_reference(x.double().numpy(), 6), atol=1e-4)


def test_holds_no_state():
    assert build(radius=40, img_size=224).state_dict() == {}


@pytest.mark.parametrize('kwargs,match', [
    (dict(radius=-1), 'radius'),
    (dict(radius=113, img_size=224), r'radius=113 .*\[0, 112'),
    (dict(radius=40, img_size=(64, 200)), r'\[0, 32'),
    (dict(radius=300, ref_size=224), 'radius'),
    (dict(radius=40, ref_size=0), 'ref_size'),
    (dict(radius=40, method='fast'), 'method'),
])
def test_bad_config_fails_when_built(kwargs, match):
    with pytest.raises(ValueError, match=match):
        build(**kwargs)


@pytest.mark.parametrize('method', LOW_PASS_METHODS)
def test_takes_every_route_of_low_pass(rng, method):
    x = rng.standard_normal((1, 2, 20, 24)).astype(np.float32)
    out = build(radius=5, method=method)(torch.from_numpy(x))
    np.testing.assert_allclose(
        out.numpy(), low_pass_reference(x, 5), atol=1e-4)


def test_bad_input_rank_and_size():
    gen = build(radius=10)
    with pytest.raises(ValueError, match=r'\(N, C, H, W\)'):
        gen(torch.zeros(3, 32, 32))
    with pytest.raises(ValueError, match='beyond the spectrum'):
        gen(torch.zeros(1, 3, 16, 16))


def test_loads_mmselfsup_checkpoints_with_their_stored_filter():
    """mmselfsup's released PixMIM files hold ``target_generator.
    low_pass_filter`` (its mask, a buffer): it is dropped on load, so they
    load strictly."""
    from mmpretrain.registry import MODELS
    generator = MODELS.build(dict(type='LowFreqTargetGenerator', radius=4))
    module = torch.nn.Module()
    module.target_generator = generator
    state = {'target_generator.low_pass_filter': torch.ones(3, 16, 16)}
    result = module.load_state_dict(state, strict=True)
    assert not result.missing_keys and not result.unexpected_keys
