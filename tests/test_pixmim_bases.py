"""PixMIM on other bases (MFF, SimMIM, MAE-HiViT, iTPN pixel): each changes
the reconstruction target and nothing else."""
import numpy as np
import pytest
import torch
from helpers import low_pass_reference, tiny_mae_cfg
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

import pixmim_plugin  # noqa: F401

IMG, PATCH, RADIUS = 32, 8, 5
HEAD = dict(
    type='MAEPretrainHead',
    norm_pix=True,
    patch_size=PATCH,
    loss=dict(type='PixelReconstructionLoss', criterion='L2'))


def mff_cfg(algorithm):
    """A 3-layer MFF fusing all three layers."""
    cfg = tiny_mae_cfg(algorithm, IMG, PATCH)
    cfg['backbone'] = dict(
        type='MFFViT',
        arch=dict(
            embed_dims=32, num_layers=3, num_heads=2, feedforward_channels=64),
        img_size=IMG,
        patch_size=PATCH,
        out_indices=[0, 1, 2])
    cfg['neck'].update(embed_dim=32, decoder_embed_dim=32, decoder_num_heads=2)
    return cfg


def simmim_cfg(algorithm):
    """A two-stage Swin (patch 4, window 4) with SimMIM's linear decoder."""
    return dict(
        type=algorithm,
        backbone=dict(
            type='SimMIMSwinTransformer',
            arch=dict(embed_dims=16, depths=[1, 1], num_heads=[1, 2]),
            img_size=IMG,
            out_indices=(1, ),
            stage_cfgs=dict(block_cfgs=dict(window_size=4))),
        neck=dict(
            type='SimMIMLinearDecoder', in_channels=32, encoder_stride=8),
        head=dict(
            type='SimMIMHead',
            patch_size=4,
            loss=dict(
                type='PixelReconstructionLoss', criterion='L1', channel=3)))


HIVIT = dict(embed_dims=32, depths=[1, 1, 1], num_heads=2)


def mae_hivit_cfg(algorithm):
    cfg = tiny_mae_cfg(algorithm, IMG, 16)
    cfg['backbone'] = dict(
        type='MAEHiViT', arch=HIVIT, img_size=IMG, patch_size=16)
    cfg['neck'].update(embed_dim=32, decoder_embed_dim=32, decoder_num_heads=2)
    return cfg


def itpn_cfg(algorithm, reconstruction_type='pixel'):
    cfg = mae_hivit_cfg(algorithm)
    cfg['backbone'].update(
        type='iTPNHiViT', reconstruction_type=reconstruction_type)
    cfg['neck'] = dict(
        type='iTPNPretrainDecoder',
        num_patches=(IMG // 16)**2,
        patch_size=16,
        embed_dim=32,
        fpn_dim=16,
        fpn_depth=1,
        decoder_embed_dim=32,
        decoder_depth=1,
        decoder_num_heads=2,
        reconstruction_type=reconstruction_type)
    return cfg


def simmim_samples(n):
    """SimMIM's per-image masks (8 x 8 model patches of 4 px), 1 = masked,
    as ``SimMIMMaskGenerator`` puts them in the data samples."""
    generator = torch.Generator().manual_seed(3)
    samples = []
    for _ in range(n):
        mask = (torch.rand(4, 4, generator=generator) < 0.6).long()
        samples.append(
            DataSample(
                mask=mask.repeat_interleave(2, 0).repeat_interleave(2, 1)))
    return samples


BASES = {  # name: (config function, PixMIM algorithm, baseline, samples)
    'MFF': (mff_cfg, 'PixMIMMFF', 'MFF', lambda n: []),
    'SimMIM': (simmim_cfg, 'PixMIMSimMIM', 'SimMIM', simmim_samples),
    'MAE-HiViT': (mae_hivit_cfg, 'PixMIM', 'MAE', lambda n: []),
    'iTPN': (itpn_cfg, 'PixMIMiTPN', 'iTPN', lambda n: []),
}


def build_pair(base):
    """The PixMIM variant (low-pass target, r = RADIUS) and its baseline
    with the same weights."""
    make, algorithm, baseline, _ = BASES[base]
    cfg = make(algorithm)
    cfg['target_generator'] = dict(
        type='LowFreqTargetGenerator', radius=RADIUS, img_size=IMG)
    torch.manual_seed(0)
    pixmim = MODELS.build(cfg)
    pixmim.init_weights()
    reference = MODELS.build(make(baseline))
    reference.load_state_dict(pixmim.state_dict())
    return pixmim.eval(), reference.eval()


@pytest.mark.parametrize('base', sorted(BASES))
@torch.no_grad()
def test_loss_is_baseline_loss_on_low_pass_target(base):
    """Same weights, same random state: the PixMIM variant's loss is the
    baseline's with the head's target replaced by the float64 numpy
    low-pass of the input."""
    pixmim, baseline = build_pair(base)
    inputs = torch.randn(2, 3, IMG, IMG)
    samples = BASES[base][3](2)
    targets = []
    head_loss = baseline.head.loss

    def low_pass_target_loss(pred, target, *args):
        targets.append(target)
        low = low_pass_reference(target.numpy(), RADIUS)
        return head_loss(pred, torch.from_numpy(low).float(), *args)

    torch.manual_seed(1)
    ours = pixmim.loss(inputs, samples)
    torch.manual_seed(1)
    plain = baseline.loss(inputs, samples)['loss']
    baseline.head.loss = low_pass_target_loss
    torch.manual_seed(1)
    expected = baseline.loss(inputs, samples)

    assert torch.equal(targets[0], inputs)  # the baseline's target: pixels
    assert ours.keys() == expected.keys()
    torch.testing.assert_close(
        ours['loss'], expected['loss'], rtol=1e-5, atol=0)
    assert abs(ours['loss'].item() - plain.item()) > 1e-3  # a real change


@torch.no_grad()
def test_mff_logs_its_fusion_weights():
    """``weight_i``: the softmax of the fusion parameters, logged beside the
    loss and not summed into it by mmengine's ``parse_losses``."""
    pixmim, _ = build_pair('MFF')
    with torch.no_grad():
        pixmim.backbone.proj_weights.copy_(
            torch.tensor([0., 1., 2.]).view(-1, 1, 1, 1))
    losses = pixmim.loss(torch.randn(2, 3, IMG, IMG), [])
    e = np.exp([0., 1., 2.])
    for i, expected in enumerate(e / e.sum()):
        assert losses[f'weight_{i}'].item() == pytest.approx(expected)
    total, log_vars = pixmim.parse_losses(losses)
    assert total.item() == pytest.approx(losses['loss'].item())
    assert {'weight_0', 'weight_1', 'weight_2'} <= log_vars.keys()


def test_itpn_clip_variant_is_refused():
    cfg = itpn_cfg('PixMIMiTPN', reconstruction_type='clip')
    with pytest.raises(ValueError, match="reconstruction_type='pixel'"):
        MODELS.build(cfg)


@pytest.mark.parametrize('base', ['MFF', 'SimMIM'])
def test_radius_too_large_for_the_image_fails_when_built(base):
    make, algorithm = BASES[base][:2]
    cfg = make(algorithm)
    cfg['target_generator'] = dict(
        type='LowFreqTargetGenerator', radius=IMG, img_size=IMG)
    with pytest.raises(ValueError, match='radius'):
        MODELS.build(cfg)


def test_simmim_without_masks_says_what_is_missing():
    pixmim, _ = build_pair('SimMIM')
    inputs = torch.randn(2, 3, IMG, IMG)
    with pytest.raises(ValueError, match='SimMIMMaskGenerator'):
        pixmim.loss(inputs, [DataSample(), DataSample()])
