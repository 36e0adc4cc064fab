"""ViTDet-style Mask R-CNN parts: the converted encoder in mmpretrain's
ViTSAM, the simple feature pyramid and the layer-decay constructor."""
import os.path as osp
from importlib.util import find_spec

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from helpers import pretrained_model
from mmengine.config import Config
from mmengine.registry import MODELS, DefaultScope

from pixmim_plugin.transfer import convert_checkpoint, save_converted

# The converter's tests below need mmpretrain's ViTSAM only; the rest
# builds mmdet's models and this package's mmdet parts.
HAS_MMDET = find_spec('mmdet') is not None
if HAS_MMDET:
    import pixmim_plugin.det  # noqa: F401

needs_mmdet = pytest.mark.skipif(
    not HAS_MMDET, reason='needs mmdet: make install-full')

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
DET_CONFIG = osp.join(ROOT, 'configs', 'pixmim', 'benchmarks',
                      'mask-rcnn_vit-base-p16_sfp_8xb8-amp-lsj-100e_coco.py')
TINY_ARCH = dict(
    embed_dims=192,
    num_layers=12,
    num_heads=3,
    feedforward_channels=768,
    global_attn_indexes=list(range(12)))


@pytest.fixture(autouse=True)
def mmdet_scope():
    """Build in mmdet's scope (mmpretrain's without mmdet), and leave the
    default scope as it was."""
    with DefaultScope.overwrite_default_scope(
            'mmdet' if HAS_MMDET else 'mmpretrain'):
        yield


def patch_features(backbone, x):
    """The pre-trained encoder's blocks on the patch tokens alone (no class
    token, no final norm), as ViTDet runs them, with the source modules."""
    tokens, (h, w) = backbone.patch_embed(x)
    tokens = tokens + backbone.pos_embed[:, 1:]
    for layer in backbone.layers:
        if type(backbone).__name__ == 'BEiTViT':
            tokens = layer(tokens, rel_pos_bias=None)
        else:
            tokens = layer(tokens)
    return tokens.transpose(1, 2).reshape(x.shape[0], -1, h, w)


def vitsam(img_size, state, **kwargs):
    model = MODELS.build(
        dict(
            type='mmpretrain.ViTSAM',
            arch=TINY_ARCH,
            img_size=img_size,
            patch_size=16,
            out_channels=0,
            use_rel_pos=True,
            **kwargs))
    missing, unexpected = model.load_state_dict(state, strict=False)
    model.eval()  # (ViTSAM's train() returns None)
    return model, set(missing), set(unexpected)


@torch.no_grad()
@pytest.mark.parametrize('algorithm', ['PixMIM', 'MFM'])
def test_vitsam_with_converted_weights_computes_the_mae_encoder(algorithm):
    source = pretrained_model(algorithm)
    state, _, report = convert_checkpoint(source.state_dict(), 'mmdet')
    model, missing, unexpected = vitsam(64, state, window_size=0)
    assert unexpected == set()
    # only the relative positions are new, and they start at zero
    assert missing == {
        f'layers.{i}.attn.rel_pos_{axis}'
        for i in range(12)
        for axis in 'hw'
    }
    assert all(v.abs().sum() == 0 for k, v in model.state_dict().items()
               if 'rel_pos' in k)
    assert any('cls_token' in line for line in report)
    x = torch.randn(2, 3, 64, 64)
    ours = model(x)[0]
    assert ours.shape == (2, 192, 4, 4)
    # (for MFM the merged qkv bias carries a zero key bias)
    torch.testing.assert_close(
        ours, patch_features(source.backbone, x), atol=1e-5, rtol=1e-5)


@torch.no_grad()
def test_position_grid_keeps_its_orientation_when_resized():
    source = pretrained_model('PixMIM')
    state, _, _ = convert_checkpoint(source.state_dict(), 'mmdet')
    grid = source.backbone.pos_embed[:, 1:].reshape(1, 4, 4, 192)
    model, _, _ = vitsam(96, state, window_size=0)  # 6x6 patches
    expected = F.interpolate(
        grid.permute(0, 3, 1, 2),
        size=(6, 6),
        mode='bicubic',
        align_corners=False).permute(0, 2, 3, 1)
    torch.testing.assert_close(model.pos_embed, expected)


def test_mmdet_target_refuses_resnet_and_non_square_grids():
    resnet = {
        'backbone.layer1.0.conv1.weight': torch.zeros(1),
        'neck.decoder.0.weight': torch.zeros(1)
    }
    with pytest.raises(ValueError, match='cannot go to mmdet'):
        convert_checkpoint(resnet, 'mmdet')
    state = pretrained_model('PixMIM').state_dict()
    state['backbone.pos_embed'] = torch.zeros(1, 1 + 12, 192)
    with pytest.raises(ValueError, match='not a square grid'):
        convert_checkpoint(state, 'mmdet')
    del state['backbone.pos_embed']
    with pytest.raises(ValueError, match='absolute position embedding'):
        convert_checkpoint(state, 'mmdet')
    state = pretrained_model('MFM').state_dict()
    state['backbone.layers.0.gamma_1'] = torch.ones(192)
    with pytest.raises(ValueError, match='LayerScale'):
        convert_checkpoint(state, 'mmdet')


def tiny_detector(checkpoint):
    cfg = Config.fromfile(DET_CONFIG)
    cfg.merge_from_dict({
        'model.backbone.arch':
        dict(TINY_ARCH, global_attn_indexes=[2, 5, 8, 11], _delete_=True),
        'model.backbone.img_size':
        64,
        'model.backbone.window_size':
        2,
        'model.backbone.init_cfg.checkpoint':
        checkpoint,
        'model.neck.in_channels':
        192,
    })
    return MODELS.build(cfg.model), cfg


@needs_mmdet
def test_detector_config_loads_every_encoder_weight(tmp_path):
    source = pretrained_model('PixMIM')
    state, encoder, _ = convert_checkpoint(source.state_dict(), 'mmdet')
    path = str(tmp_path / 'vit_mmdet.pth')
    save_converted(state, dict(encoder=encoder), path)
    model, _ = tiny_detector(path)
    model.init_weights()
    ours = model.backbone.state_dict()
    assert set(ours) - set(state) == {
        f'layers.{i}.attn.rel_pos_{axis}'
        for i in range(12)
        for axis in 'hw'
    }
    assert set(state) - set(ours) == set()
    for key, value in state.items():
        assert torch.equal(ours[key], value), key
    src = source.backbone.state_dict()
    assert torch.equal(ours['layers.11.attn.qkv.weight'],
                       src['layers.11.attn.qkv.weight'])


@needs_mmdet
def test_detector_paper_recipe():
    cfg = Config.fromfile(DET_CONFIG)
    optim = cfg.optim_wrapper
    assert optim.optimizer.type == 'AdamW'
    assert optim.optimizer.lr == 8e-5
    assert optim.optimizer.weight_decay == 0.1
    assert optim.optimizer.betas == (0.9, 0.999)
    assert optim.paramwise_cfg.layer_decay_rate == 0.75
    assert cfg.model.backbone.drop_path_rate == 0.1
    # 100 epochs of 1024 px large-scale jitter at batch 64, cosine
    assert cfg.train_cfg.max_epochs * cfg.train_dataloader.dataset.times == 100
    assert 8 * cfg.train_dataloader.batch_size == 64
    assert cfg.auto_scale_lr.base_batch_size == 64
    assert cfg.model.data_preprocessor.batch_augments[0].size == (1024, 1024)
    assert cfg.param_scheduler[-1].type == 'CosineAnnealingLR'
    # ViTDet's encoder: 14x14 windows, global blocks 2, 5, 8, 11
    model, _ = tiny_detector('')
    assert [layer.window_size for layer in model.backbone.layers
            ] == [0 if i in (2, 5, 8, 11) else 2 for i in range(12)]
    assert cfg.model.backbone.window_size == 14
    assert cfg.val_evaluator.type == 'CocoMetric'
    assert set(cfg.val_evaluator.metric) == {'bbox', 'segm'}


@needs_mmdet
@pytest.mark.parametrize('config,size', [
    (DET_CONFIG, 1024),
    (osp.join(ROOT, 'configs', 'demo',
              'mask-rcnn_vit-mini-p4_sfp_1xb4-60it_coco-shapes.py'), 128),
])
def test_evaluation_input_is_a_padded_square(tmp_path, config, size):
    """As ViTDet: long side resized to the training size, then padded with
    0 after normalisation to the training square, so the encoder sees the
    grid it was trained on; the image's own shape (box clipping, mask
    pasting) stays unpadded."""
    import cv2
    from mmengine.dataset import Compose
    path = str(tmp_path / 'x.jpg')
    cv2.imwrite(path, np.full((96, 128, 3), 200, np.uint8))
    cfg = Config.fromfile(config)
    steps = [
        step for step in cfg.val_dataloader.dataset.pipeline
        if step.type != 'LoadAnnotations'
    ]
    packed = Compose(steps)(dict(img_path=path, img_id=0))
    preprocessor = MODELS.build(cfg.model.data_preprocessor)
    batch = preprocessor(
        dict(inputs=[packed['inputs']], data_samples=[packed['data_samples']]),
        training=False)
    assert batch['inputs'].shape == (1, 3, size, size)
    resized = (size * 96 // 128, size)
    assert batch['data_samples'][0].img_shape == resized
    assert torch.all(batch['inputs'][0, :, resized[0]:] == 0)


@needs_mmdet
def test_layer_decay_follows_vitdet():
    """ViTDet's rule: the patch and position embeddings are layer 0, block
    i is layer i + 1, the rest is layer L + 1; lr x rate ** (L + 1 - layer).
    Norms and the position embedding get no weight decay."""
    from mmdet.registry import OPTIM_WRAPPER_CONSTRUCTORS
    model, cfg = tiny_detector('')
    constructor = OPTIM_WRAPPER_CONSTRUCTORS.build(
        dict(
            type=cfg.optim_wrapper.constructor,
            optim_wrapper_cfg=dict(
                type='OptimWrapper', optimizer=cfg.optim_wrapper.optimizer),
            paramwise_cfg=cfg.optim_wrapper.paramwise_cfg))
    groups = constructor(model).optimizer.param_groups
    names = dict(model.named_parameters())
    norm_params = {
        f'{module_name}.{param_name}'
        for module_name, module in model.named_modules()
        if isinstance(module, torch.nn.LayerNorm)  # LN2d included
        for param_name, _ in module.named_parameters(recurse=False)
    }
    assert len(norm_params) > 2 * 12 * 2  # the encoder's, the neck's, ...
    seen = set()
    for group in groups:
        (param, ) = group['params']
        name = next(k for k, v in names.items() if v is param)
        seen.add(name)
        if name.startswith(('backbone.patch_embed', 'backbone.pos_embed')):
            layer = 0
        elif name.startswith('backbone.layers.'):
            layer = int(name.split('.')[2]) + 1
        else:
            layer = 13
        assert group['lr'] == pytest.approx(8e-5 * 0.75**(13 - layer)), name
        no_decay = name == 'backbone.pos_embed' or name in norm_params
        if no_decay:
            assert group['weight_decay'] == 0, name
        elif name.endswith(('.weight', '.bias', 'rel_pos_h', 'rel_pos_w')):
            assert group['weight_decay'] == 0.1, name  # biases too
    assert seen == {k for k, v in names.items() if v.requires_grad}


@needs_mmdet
def test_layer_decay_rate_out_of_range_is_refused():
    from mmdet.registry import OPTIM_WRAPPER_CONSTRUCTORS
    for rate in (0, 1.5):
        with pytest.raises(ValueError, match=r'layer_decay_rate.*\(0, 1\]'):
            OPTIM_WRAPPER_CONSTRUCTORS.build(
                dict(
                    type='BackboneLayerDecayOptimWrapperConstructor',
                    optim_wrapper_cfg=dict(
                        type='OptimWrapper',
                        optimizer=dict(type='AdamW', lr=1e-4)),
                    paramwise_cfg=dict(layer_decay_rate=rate)))


def layer_norm_2d(x, norm):
    """LayerNorm over the channels of an (N, C, H, W) map."""
    mean = x.mean(1, keepdim=True)
    var = x.var(1, unbiased=False, keepdim=True)
    x = (x - mean) / torch.sqrt(var + norm.eps)
    return x * norm.weight[:, None, None] + norm.bias[:, None, None]


def pyramid_reference(neck, x, scales):
    """ViTDet's simple feature pyramid written out with functional ops and
    the neck's weights: resample, 1x1 conv + LN, 3x3 conv + LN (no conv
    bias, no activation); extra levels subsample the last by 2."""
    outs = []
    for stage, scale in zip(neck.stages, scales):
        resample, conv1, conv3 = stage
        if scale == 4.0:
            up1, norm, _, up2 = resample
            y = F.conv_transpose2d(x, up1.weight, up1.bias, stride=2)
            y = F.gelu(layer_norm_2d(y, norm))
            y = F.conv_transpose2d(y, up2.weight, up2.bias, stride=2)
        elif scale == 2.0:
            y = F.conv_transpose2d(x, resample.weight, resample.bias, stride=2)
        elif scale == 1.0:
            y = x
        else:
            y = F.max_pool2d(x, 2, stride=2)
        y = layer_norm_2d(F.conv2d(y, conv1.conv.weight), conv1.norm)
        y = layer_norm_2d(
            F.conv2d(y, conv3.conv.weight, padding=1), conv3.norm)
        outs.append(y)
    while len(outs) < neck.num_outs:
        outs.append(outs[-1][..., ::2, ::2])
    return outs


@torch.no_grad()
@needs_mmdet
@pytest.mark.parametrize('scales,num_outs', [((4.0, 2.0, 1.0, 0.5), 5),
                                             ((2.0, 0.5), 3)])
def test_simple_feature_pyramid_computes_vitdet_levels(scales, num_outs):
    neck = MODELS.build(
        dict(
            type='SimpleFeaturePyramid',
            in_channels=32,
            out_channels=8,
            scale_factors=scales,
            num_outs=num_outs))
    # ViTDet's norm by default: channel LayerNorms with eps 1e-6
    assert {m.eps for m in neck.modules() if hasattr(m, 'eps')} == {1e-6}
    torch.manual_seed(0)
    for param in neck.parameters():  # norms away from (1, 0) as well
        param.normal_()
    x = torch.randn(2, 32, 8, 12)
    outs = neck((torch.randn(2, 32, 2, 2), x))  # the last map is used
    expected = pyramid_reference(neck, x, scales)
    assert len(outs) == num_outs
    for out, ref in zip(outs, expected):
        torch.testing.assert_close(out, ref, atol=1e-4, rtol=1e-4)
    # from a stride-16 map of a 128 x 192 image: strides 16 / scale, then
    # twice the last one per extra level
    strides = [16 / s for s in scales]
    while len(strides) < num_outs:
        strides.append(2 * strides[-1])
    assert [tuple(o.shape) for o in outs
            ] == [(2, 8, int(128 / s), int(192 / s)) for s in strides]


@needs_mmdet
@pytest.mark.parametrize('kwargs,match', [
    (dict(scale_factors=(8.0, )), 'scale_factors'),
    (dict(scale_factors=()), 'scale_factors'),
    (dict(num_outs=3), 'num_outs'),
])
def test_simple_feature_pyramid_refuses_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        MODELS.build(
            dict(
                type='SimpleFeaturePyramid',
                in_channels=32,
                out_channels=8,
                **kwargs))
