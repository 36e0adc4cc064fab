"""Long-sequence MAE: unit masking, the PixMIM target, bad arguments, the
448 -> 224 fine-tuning load, and the demo config through `mim train`."""
import os.path as osp

import numpy as np
import pytest
import torch
from helpers import (ROOT, load_trusted, low_pass_reference, mae_family_cfg,
                     mim_train)
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmpretrain.models import MAEViT
from mmpretrain.registry import MODELS

import pixmim_plugin  # noqa: F401
from pixmim_plugin.demo.shapes import write_imagenet_layout
from pixmim_plugin.transfer.convert import convert_checkpoint

DEMO = osp.join(ROOT, 'configs', 'demo',
                'pixmim-lsmae_vit-tiny-p4_1xb32-600it_shapes.py')
FINE_TUNE = osp.join(ROOT, 'configs', 'lsmae', 'benchmarks',
                     'vit-base-p16_8xb128-coslr-100e_in1k.py')
TINY = dict(
    arch=dict(
        embed_dims=32, num_layers=1, num_heads=2, feedforward_channels=64))


def lsmae(algorithm='MAE', img_size=32, patch_size=4, unit=2, **extra):
    """A one-block LSMAE / PixMIM-LSMAE with a one-block decoder."""
    init_default_scope('mmpretrain')
    return MODELS.build(
        mae_family_cfg(
            algorithm,
            dict(
                type='LSMAEViT',
                img_size=img_size,
                patch_size=patch_size,
                mask_unit=unit,
                **TINY),
            num_patches=(img_size // patch_size)**2,
            patch_size=patch_size,
            embed_dim=32,
            **extra))


@pytest.mark.parametrize('img_size,patch_size,unit', [(448, 16, 2), (32, 4, 2),
                                                      (64, 4, 4)])
def test_masks_are_whole_units(img_size, patch_size, unit):
    backbone = lsmae(
        img_size=img_size, patch_size=patch_size, unit=unit).backbone
    side = img_size // patch_size
    grid, length = side // unit, side * side
    x = torch.randn(64, length, 5)
    x_masked, mask, ids_restore = backbone.random_masking(x, 0.75)

    units = mask.view(-1, grid, unit, grid, unit)
    # each unit is removed or kept as a whole
    assert torch.equal(units.amin((2, 4)), units.amax((2, 4)))
    removed = units.amax((2, 4)).flatten(1).sum(1)
    assert (removed == 0.75 * grid * grid).all()  # 147 of 196 at 448 px
    # MAE's contract: the kept tokens, then mask tokens, put back in raster
    # order by ids_restore, give each token itself where it was kept
    filler = torch.full((64, length - x_masked.shape[1], 5), float('nan'))
    restored = torch.gather(
        torch.cat([x_masked, filler], 1), 1,
        ids_restore[..., None].expand(-1, -1, 5))
    kept = mask == 0
    assert torch.equal(restored[kept], x[kept])
    assert restored[~kept].isnan().all()


def test_every_unit_is_removed_as_often():
    backbone = lsmae(img_size=32, patch_size=4, unit=2).backbone  # 4x4 units
    torch.manual_seed(0)
    _, mask, _ = backbone.random_masking(torch.zeros(4000, 64, 1), 0.75)
    frequency = mask.view(-1, 4, 2, 4, 2)[:, :, 0, :, 0].mean(0)
    # binomial(4000, 0.75): standard deviation 0.007
    torch.testing.assert_close(
        frequency, torch.full_like(frequency, 0.75), rtol=0, atol=0.03)


def test_unit_one_is_mae_masking():
    """With 1 x 1 units, the masking is MAEViT's for the same random
    state."""
    ours = lsmae(img_size=32, patch_size=4, unit=1).backbone
    mae = MAEViT(img_size=32, patch_size=4, **TINY)
    x = torch.randn(3, 64, 8)
    with torch.random.fork_rng():
        torch.manual_seed(1)
        expected = mae.random_masking(x, 0.75)
    with torch.random.fork_rng():
        torch.manual_seed(1)
        got = ours.random_masking(x, 0.75)
    for a, b in zip(got, expected):
        assert torch.equal(a, b)


def test_pixmim_loss_is_mae_loss_on_the_low_pass_target(monkeypatch):
    radius, ref_size = 80, 448  # at 32 px: 80 * 32 / 448 = 5.7 bins
    pixmim = lsmae(
        'PixMIM',
        target_generator=dict(
            type='LowFreqTargetGenerator', radius=radius, ref_size=ref_size))
    mae = lsmae('MAE')
    pixmim.init_weights()
    mae.load_state_dict(pixmim.state_dict())
    inputs = torch.randn(2, 3, 32, 32)

    def loss(model):
        with torch.random.fork_rng():
            torch.manual_seed(2)
            return model.loss(inputs, [])['loss']

    raw_target_loss = loss(mae)
    head_loss = mae.head.loss
    reference = torch.from_numpy(
        low_pass_reference(inputs.numpy(), radius * 32 / ref_size)).float()

    def low_pass_target_loss(pred, target, mask):
        assert target is inputs  # MAE reconstructs its inputs
        return head_loss(pred, reference, mask)

    monkeypatch.setattr(mae.head, 'loss', low_pass_target_loss)
    torch.testing.assert_close(loss(pixmim), loss(mae), rtol=1e-4, atol=1e-6)
    assert not torch.allclose(loss(pixmim), raw_target_loss)


@pytest.mark.parametrize('kwargs,match', [
    (dict(img_size=40, patch_size=4, mask_unit=4), 'img_size'),
    (dict(img_size=36, patch_size=8, mask_unit=1), 'img_size'),
    (dict(mask_ratio=0.), 'mask_ratio'),
    (dict(mask_ratio=1.), 'mask_ratio'),
    (dict(mask_ratio=1.5), 'mask_ratio'),
    (dict(img_size=32, patch_size=8, mask_ratio=0.9), 'mask_ratio'),
    (dict(mask_unit=0), 'mask_unit'),
])
def test_bad_arguments_fail_when_built(kwargs, match):
    init_default_scope('mmpretrain')
    cfg = dict(type='LSMAEViT', img_size=32, patch_size=4, **TINY)
    with pytest.raises(ValueError, match=match):
        MODELS.build({**cfg, **kwargs})


def test_tokens_of_another_size_fail_when_seen():
    backbone = lsmae(img_size=32, patch_size=4).backbone  # 64 tokens
    with pytest.raises(ValueError, match='img_size'):
        backbone.random_masking(torch.zeros(1, 144, 32), 0.75)


def bicubic_matrix(n_in: int, n_out: int) -> np.ndarray:
    """(n_out, n_in) float64 weights of a bicubic resize with
    ``align_corners=False`` and no antialiasing: Keys' kernel with
    a = -0.75, source positions clamped to the border."""
    a = -0.75

    def kernel(d):
        d = abs(d)
        if d <= 1:
            return (a + 2) * d**3 - (a + 3) * d**2 + 1
        return a * d**3 - 5 * a * d**2 + 8 * a * d - 4 * a if d < 2 else 0.

    out = np.zeros((n_out, n_in))
    for i in range(n_out):
        src = (i + 0.5) * n_in / n_out - 0.5
        base = int(np.floor(src))
        for j in range(base - 1, base + 3):
            out[i, min(max(j, 0), n_in - 1)] += kernel(src - j)
    return out


def test_448_checkpoint_loads_into_the_224_classifier(tmp_path):
    """A ViT pre-trained at 448 px (28 x 28 patches of 16) loads into the
    fine-tuning config at 224 px: every encoder tensor is taken, the
    position embedding resized bicubically (checked against an independent
    float64 resize)."""
    init_default_scope('mmpretrain')
    pretrain = MODELS.build(
        mae_family_cfg(
            'MAE',
            dict(type='LSMAEViT', arch='deit-tiny', img_size=448, mask_unit=2),
            num_patches=28 * 28,
            patch_size=16,
            embed_dim=192))
    with torch.no_grad():  # random values everywhere, the embedding too
        for param in pretrain.parameters():
            param.normal_()
    state = pretrain.state_dict()
    converted, encoder, _ = convert_checkpoint(
        dict(state_dict=state), 'mmpretrain')
    assert encoder == 'MAEViT'  # the same tensors as MAE's encoder
    ckpt = str(tmp_path / 'lsmae_448.pth')
    torch.save(dict(state_dict=converted), ckpt)

    cfg = Config.fromfile(FINE_TUNE)
    assert cfg.model.backbone.img_size == 224
    cfg.merge_from_dict({  # a tiny encoder, the config's everything else
        'model.backbone.arch': 'deit-tiny',
        'model.head.in_channels': 192,
        'model.backbone.init_cfg.checkpoint': ckpt,
    })
    classifier = MODELS.build(cfg.model)
    classifier.init_weights()
    backbone = classifier.backbone.state_dict()
    pretrained = {
        k[len('backbone.'):]: v
        for k, v in converted.items() if k.startswith('backbone.')
    }
    # as for MAE, the pooled features get a new LayerNorm (ln2) instead of
    # pre-training's final one (ln1); nothing else is missing or left over
    assert set(backbone) - set(pretrained) == {'ln2.weight', 'ln2.bias'}
    assert set(pretrained) - set(backbone) == {'ln1.weight', 'ln1.bias'}
    for name, value in backbone.items():
        if name in pretrained and name != 'pos_embed':
            assert torch.equal(value, pretrained[name]), name

    source = pretrained['pos_embed'].double().numpy()  # (1, 1 + 784, 192)
    grid = source[0, 1:].reshape(28, 28, 192)
    resize = bicubic_matrix(28, 14)
    expected = np.einsum('ih,jw,hwc->ijc', resize, resize, grid)
    pos_embed = backbone['pos_embed']
    assert pos_embed.shape == (1, 1 + 14 * 14, 192)
    assert torch.equal(pos_embed[0, 0], pretrained['pos_embed'][0, 0])
    np.testing.assert_allclose(
        pos_embed[0, 1:].reshape(14, 14, 192).numpy(),
        expected,
        rtol=0,
        atol=1e-5)


@pytest.fixture(scope='module')
def data_root(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('shapes'))
    write_imagenet_layout(root, 'train', per_class=2)
    return root


@pytest.mark.training
def test_demo_trains_and_resumes(tmp_path, data_root):
    work_dir = str(tmp_path)
    mim_train(DEMO, work_dir, data_root, 2)
    assert load_trusted(osp.join(work_dir, 'iter_2.pth'))['meta']['iter'] == 2
    log = mim_train(DEMO, work_dir, data_root, 4)
    assert 'resumed epoch: 0, iter: 2' in log
    second = load_trusted(osp.join(work_dir, 'iter_4.pth'))
    assert second['meta']['iter'] == 4
    losses = [
        float(line.split('loss: ')[1].split()[0]) for line in log.split('\n')
        if 'Iter(train)' in line
    ]
    assert len(losses) == 2 and np.isfinite(losses).all()
