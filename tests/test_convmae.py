"""ConvMAE (ConvMAEViT + ConvMAEPretrainDecoder) under MAE and PixMIM."""
import os.path as osp

import numpy as np
import pytest
import torch
from helpers import (DEMO, load_trusted, low_pass_reference, mae_family_cfg,
                     mim_train)
from mmpretrain.registry import MODELS

import pixmim_plugin  # noqa: F401

IMG = 64  # a 4 x 4 grid of 16-px patches
TINY = dict(
    embed_dims=[8, 16, 32],
    depths=[1, 1, 1],
    patch_sizes=[4, 2, 2],
    num_heads=2,
    mlp_ratio=2)
PIXMIM_DEMO = osp.join(DEMO,
                       'pixmim-convmae_convvit-tiny-p8_1xb32-600it_shapes.py')


@pytest.fixture(autouse=True)
def seeded():
    """Inputs and weights the same on every run."""
    with torch.random.fork_rng():
        torch.manual_seed(2023)
        yield


def tiny_model(algorithm='PixMIM', target_generator=None, mask_ratio=0.75):
    model = MODELS.build(
        mae_family_cfg(
            algorithm,
            dict(
                type='ConvMAEViT',
                arch=TINY,
                img_size=IMG,
                mask_ratio=mask_ratio),
            num_patches=(IMG // 16)**2,
            patch_size=16,
            embed_dim=32,
            neck_type='ConvMAEPretrainDecoder',
            target_generator=target_generator))
    model.init_weights()
    return model.eval()


@torch.no_grad()
def test_pixmim_loss_is_mae_loss_on_the_low_pass_of_the_input():
    radius = 3
    pixmim = tiny_model(
        target_generator=dict(type='LowFreqTargetGenerator', radius=radius))
    mae = tiny_model('MAE')
    mae.load_state_dict(pixmim.state_dict())
    inputs = torch.randn(2, 3, IMG, IMG)

    torch.manual_seed(0)
    loss = pixmim.loss(inputs, [])['loss']
    torch.manual_seed(0)  # the same masks again
    latent, mask, ids_restore = mae.backbone(inputs)
    pred = mae.neck(latent, ids_restore)
    target = low_pass_reference(inputs.numpy(), radius)
    expected = mae.head.loss(pred, torch.from_numpy(target).float(), mask)
    torch.testing.assert_close(loss, expected, rtol=1e-5, atol=1e-6)
    assert np.abs(target - inputs.numpy()).max() > 0.5  # a real change


def masked_forward(model, x, seed=0):
    torch.manual_seed(seed)
    return model.backbone(x)


@torch.no_grad()
def test_masked_patches_do_not_reach_the_encoder_output():
    model = tiny_model('MAE')
    x = torch.randn(2, 3, IMG, IMG)
    latent, mask, _ = masked_forward(model, x)
    # every pixel of every masked 16 x 16 patch replaced
    pixels = mask.view(2, 1, 4, 1, 4, 1).expand(2, 3, 4, 16, 4,
                                                16).reshape(2, 3, IMG,
                                                            IMG).bool()
    other = torch.where(pixels, 10 * torch.randn_like(x), x)
    latent2, mask2, _ = masked_forward(model, other)
    assert torch.equal(mask, mask2)
    torch.testing.assert_close(latent2, latent, rtol=0, atol=1e-5)
    # while a visible patch does reach it
    seen = torch.where(pixels, x, other + 1)
    assert (masked_forward(model, seen)[0] - latent).abs().max() > 1e-2


@torch.no_grad()
def test_stage_masks_are_the_nearest_upsampling_of_the_patch_mask():
    model = tiny_model('MAE')
    seen = {}

    def keep_visibility(block, args, stage):
        seen[stage] = args[1]  # (N, 1, H, W) as the block received it

    for stage in (1, 2):
        block = getattr(model.backbone, f'blocks{stage}')[0]
        block.register_forward_pre_hook(lambda block, args, stage=stage:
                                        keep_visibility(block, args, stage))
    _, mask, _ = masked_forward(model, torch.randn(3, 3, IMG, IMG))

    assert mask.shape == (3, 16)
    assert (mask.sum(1) == 16 - int(16 * 0.25)).all()  # 75% removed
    for stage, cells in ((1, 4), (2, 2)):  # stride 4 and 8 per 16-px patch
        grid = 1 - mask.view(3, 4, 4).numpy()
        expected = np.stack(
            [np.kron(g, np.ones((cells, cells))) for g in grid])
        np.testing.assert_array_equal(seen[stage][:, 0].numpy(), expected)


def test_convmae_b_parameter_count():
    """Counted from the official definition (Alpha-VL/ConvMAE,
    models_convmae.py, convmae_convvit_base_patch16_dec512d8b): 88,932,736
    encoder parameters (150,528 of them the frozen position embedding) and
    26,108,672 decoder parameters."""
    from mmengine.config import Config
    cfg = Config.fromfile(
        osp.join(osp.dirname(DEMO), 'pixmim_convmae_convvit-b.py'))
    with torch.device('meta'):  # shapes only
        model = MODELS.build(cfg.model)

    def conv_block(c):  # 2 LNs, two 1x1 convs, 5x5 depthwise, 1x1 MLP 4c
        return 2 * 2 * c + 2 * (c * c + c) + 25 * c + c + 2 * 4 * c * c + 5 * c

    def vit_block(c):  # 2 LNs, qkv, proj, MLP 4c, all with biases
        return 2 * 2 * c + 3 * c * c + 3 * c + c * c + c + 8 * c * c + 5 * c

    def conv(cin, cout, k):
        return cin * cout * k * k + cout

    encoder = (
        conv(3, 256, 4) + 2 * 256 + conv(256, 384, 2) + 2 * 384 +
        conv(384, 768, 2) + 2 * 768  # patch embeddings with their LNs
        + 768 * 768 + 768 + 196 * 768  # linear, frozen position embedding
        + 2 * conv_block(256) + 2 * conv_block(384) + 11 * vit_block(768) +
        conv(256, 768, 4) + conv(384, 768, 2)  # fusion
        + 2 * 768)  # final norm
    decoder = (
        768 * 512 + 512 + 512 + 196 * 512  # embed, mask token, pos
        + 8 * vit_block(512) + 2 * 512 + 512 * 768 + 768)

    def count(module):
        return sum(p.numel() for p in module.parameters())

    assert encoder == 88_932_736 and decoder == 26_108_672
    assert count(model.backbone) == encoder
    assert count(model.neck) == decoder
    frozen = [n for n, p in model.named_parameters() if not p.requires_grad]
    assert frozen == ['backbone.pos_embed', 'neck.decoder_pos_embed']


def test_stride16_patch_embedding_is_initialised_as_a_linear_layer():
    """As the official ``initialize_weights`` (and MAE's): Xavier-uniform on
    ``w.view(out, -1)``, so ConvMAE-B's 768 x 384 x 2 x 2 weight gets the
    bound of a Linear(1536, 768), sqrt(6 / (1536 + 768)) = 0.051, not the
    4-D conv's sqrt(6 / (1536 + 3072)) = 0.036."""
    # ConvMAE-B's stage-2 and stage-3 widths: its stride-16 patch embedding
    arch = dict(TINY, embed_dims=[8, 384, 768], num_heads=12)
    model = MODELS.build(dict(type='ConvMAEViT', arch=arch, img_size=IMG))
    model.init_weights()
    weight = model.patch_embed3.projection.weight.detach().double().numpy()
    assert weight.shape == (768, 384, 2, 2)
    linear_bound = np.sqrt(6 / (384 * 2 * 2 + 768))  # fan in + fan out
    conv_bound = np.sqrt(6 / (384 * 2 * 2 + 768 * 2 * 2))
    assert round(linear_bound, 4) == 0.0510 and round(conv_bound, 4) == 0.0361
    peak = np.abs(weight).max()
    assert 0.999 * linear_bound < peak <= linear_bound
    # uniform on (-b, b): std b / sqrt(3), as a Linear(1536, 768)'s
    linear = torch.nn.init.xavier_uniform_(torch.empty(768, 1536))
    np.testing.assert_allclose(
        weight.std(), linear_bound / np.sqrt(3), rtol=0.01)
    np.testing.assert_allclose(weight.std(), linear.std().item(), rtol=0.01)


def test_feature_extraction_without_mask():
    backbone = MODELS.build(
        dict(
            type='ConvMAEViT',
            arch=TINY,
            img_size=IMG,
            out_indices=(0, 1, 2),
            out_type='featmap'))
    with torch.no_grad():
        outs = backbone(torch.randn(2, 3, 96, 80), mask=None)
    assert [o.shape for o in outs] == [(2, 8, 24, 20), (2, 16, 12, 10),
                                       (2, 32, 6, 5)]


@pytest.mark.parametrize('ratio', [0, 1, -0.1, 1.5])
def test_mask_ratio_outside_0_1_is_refused(ratio):
    with pytest.raises(ValueError, match=r'mask_ratio must be in \(0, 1\)'):
        tiny_model(mask_ratio=ratio)


def test_sizes_not_multiple_of_16_are_refused():
    with pytest.raises(ValueError, match='img_size must be a multiple of 16'):
        MODELS.build(dict(type='ConvMAEViT', arch=TINY, img_size=72))
    backbone = tiny_model().backbone
    with pytest.raises(ValueError, match=r'multiples of 16, got \(64, 72\)'):
        backbone(torch.zeros(1, 3, 64, 72))
    with pytest.raises(ValueError, match=r'multiples of 16, got \(40, 40\)'):
        backbone(torch.zeros(1, 3, 40, 40), mask=None)
    with pytest.raises(ValueError, match='takes img_size'):
        backbone(torch.zeros(1, 3, 80, 80))


@pytest.mark.training
def test_demo_trains_and_resumes(tmp_path, data_root):  # noqa: F811
    work_dir = str(tmp_path)
    mim_train(PIXMIM_DEMO, work_dir, data_root, 2)
    log = mim_train(PIXMIM_DEMO, work_dir, data_root, 4)
    assert 'resumed epoch: 0, iter: 2' in log
    state = load_trusted(osp.join(work_dir, 'iter_4.pth'))
    assert state['meta']['iter'] == 4
    assert 'backbone.blocks1.0.dwconv.weight' in state['state_dict']
    assert 'nan' not in log.split('Iter(train)')[-1]


def test_stock_paramwise_cfg_spares_every_norm_and_bias():
    """As the official ``add_weight_decay``: no decay on 1-D parameters."""
    from mmengine.config import Config
    from mmengine.optim import DefaultOptimWrapperConstructor
    cfg = Config.fromfile(
        osp.join(osp.dirname(DEMO), 'pixmim_convmae_convvit-b.py'))
    model = tiny_model()
    optim = dict(cfg.optim_wrapper.to_dict(), type='OptimWrapper')
    optim.pop('loss_scale')
    wrapper = DefaultOptimWrapperConstructor(optim,
                                             optim.pop('paramwise_cfg'))(
                                                 model)
    decay = {
        id(p): group['weight_decay']
        for group in wrapper.optimizer.param_groups
        for p in group['params']
    }
    for name, param in model.named_parameters():
        if param.requires_grad:
            expected = 0 if param.ndim == 1 or name == 'neck.mask_token' \
                else 0.05
            assert decay[id(param)] == expected, name


def test_pretrained_init_keeps_every_loaded_weight(tmp_path):
    source = MODELS.build(dict(type='ConvMAEViT', arch=TINY, img_size=IMG))
    source.init_weights()
    with torch.no_grad():
        for param in source.parameters():
            param.add_(torch.randn_like(param))
    path = str(tmp_path / 'encoder.pth')
    torch.save({'state_dict': source.state_dict()}, path)
    model = MODELS.build(
        dict(
            type='ConvMAEViT',
            arch=TINY,
            img_size=IMG,
            init_cfg=dict(type='Pretrained', checkpoint=path)))
    model.init_weights()
    for name, value in source.state_dict().items():
        torch.testing.assert_close(
            model.state_dict()[name], value, rtol=0, atol=0, msg=name)
