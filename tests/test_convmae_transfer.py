"""ConvMAE transfer: the converter's ConvMAE target, the four-level
detection / segmentation encoder, the classifier encoder and the configs
of configs/convmae/benchmarks/ on a tiny ConvMAE."""
import os.path as osp

import pytest
import torch
import torch.nn.functional as F
from helpers import mae_family_cfg
from mmengine.config import Config
from mmengine.registry import MODELS, DefaultScope

import pixmim_plugin  # noqa: F401
from pixmim_plugin.models.backbones import ConvMAEViT
from pixmim_plugin.transfer import convert_checkpoint, save_converted

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
BENCH = osp.join(ROOT, 'configs', 'convmae', 'benchmarks')
DET = osp.join(BENCH,
               'mask-rcnn_convvit-base-p16_fpn_8xb2-amp-lsj-25e_coco.py')
SEG = osp.join(BENCH,
               'upernet_convvit-base-p16_8xb2-amp-160k_ade20k-512x512.py')
LINEAR = osp.join(BENCH, 'convvit-base-p16_8xb512-linear-coslr-90e_in1k.py')
FINETUNE = osp.join(BENCH, 'convvit-base-p16_8xb128-amp-coslr-100e_in1k.py')
IMG = 64  # pre-training size: a 4 x 4 grid of 16-px patches
TINY = dict(
    embed_dims=[8, 16, 32],
    depths=[1, 1, 4],
    patch_sizes=[4, 2, 2],
    num_heads=2,
    mlp_ratio=2)
PRETRAINING_ONLY = ('fuse1.', 'fuse2.', 'ln1.')


def pretrained() -> torch.nn.Module:
    """A tiny ConvMAE pre-training model (MAE + ConvMAEViT), its norms and
    biases randomised so that a weight left at its initial value shows."""
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        model = build_pretraining_model()
    model.init_weights()
    torch.manual_seed(0)
    with torch.no_grad():
        for name, param in model.named_parameters():
            if param.ndim == 1:
                param.normal_()
    return model.eval()


def build_pretraining_model() -> torch.nn.Module:
    return MODELS.build(
        mae_family_cfg(
            'MAE',
            dict(type='ConvMAEViT', arch=TINY, img_size=IMG),
            num_patches=(IMG // 16)**2,
            patch_size=16,
            embed_dim=32,
            neck_type='ConvMAEPretrainDecoder'))


def backbone(**kwargs) -> torch.nn.Module:
    cfg = dict(type='ConvMAEViTDet', arch=TINY, img_size=IMG, **kwargs)
    return MODELS.build(cfg)


def converted(tmp_path, target: str):
    source = pretrained()
    state, encoder, report = convert_checkpoint(source.state_dict(), target)
    path = str(tmp_path / f'convmae_{target}.pth')
    save_converted(state, dict(encoder=encoder), path)
    return source, state, path


@torch.no_grad()
def test_four_levels_at_strides_4_8_16_32():
    model = backbone(window_size=2, global_attn_indexes=(1, ))
    model.eval()  # (mmpretrain's backbones' train() returns None)
    x = torch.randn(2, 3, 96, 128)
    levels = model(x)
    assert [tuple(t.shape) for t in levels] == [(2, 8, 24, 32),
                                                (2, 16, 12, 16), (2, 32, 6, 8),
                                                (2, 32, 3, 4)]
    # the stride-32 level: the max of each 2x2 block of the stride-16 one
    blocks = levels[2].reshape(2, 32, 3, 2, 4, 2)
    torch.testing.assert_close(levels[3], blocks.amax((3, 5)))


def test_windowed_and_global_blocks_as_configured():
    model = backbone(window_size=2, global_attn_indexes=(0, 3))
    assert [layer.window_size for layer in model.layers] == [0, 2, 2, 0]
    grid = IMG // 16
    # relative positions span the whole grid in global blocks, a window in
    # windowed ones
    assert [layer.attn.rel_pos_h.shape[0]
            for layer in model.layers] == [2 * grid - 1, 3, 3, 2 * grid - 1]
    # a windowed block mixes nothing across windows, a global block does
    with torch.no_grad():
        for layer in model.layers:
            layer.attn.rel_pos_h.normal_()
        tokens = torch.randn(1, grid, grid, 32)
        changed = tokens.clone()
        changed[:, :2, :2] += 1  # the top-left 2x2 window
        for index, global_attention in ((1, False), (0, True)):
            layer = model.layers[index]
            diff = (layer(changed) - layer(tokens)).abs().amax(-1)[0]
            outside = diff.clone()
            outside[:2, :2] = 0
            assert diff[:2, :2].min() > 0
            assert (outside.max() > 0) == global_attention
    with pytest.raises(ValueError, match='global_attn_indexes'):
        backbone(global_attn_indexes=(4, ))
    with pytest.raises(ValueError, match='window_size'):
        backbone(window_size=-1)


@torch.no_grad()
def test_drop_path_on_both_branches_rising_over_all_blocks():
    rate = 1 - 1e-7  # both branches dropped whenever stochastic depth acts
    model = backbone(window_size=0, drop_path_rate=rate)
    model.train()
    # 6 blocks in all: stage 3's 4 come after the 2 conv blocks
    expected = torch.linspace(0, rate, 6)[2:]
    probs = [layer.drop_path.drop_prob for layer in model.layers]
    torch.testing.assert_close(torch.tensor(probs), expected)
    tokens = torch.randn(2, 4, 4, 32)
    last = model.layers[-1]
    torch.testing.assert_close(last(tokens), tokens)  # no branch left


@torch.no_grad()
def test_converted_weights_compute_convmae_stages(tmp_path):
    """With global attention and zero relative positions, the detection
    encoder's levels are the pre-trained ConvMAEViT's stage outputs, its
    stage 3 computed by ConvMAEViT's own (mmpretrain ViT) blocks before the
    pre-training fusion."""
    source, state, _ = converted(tmp_path, 'mmdet')
    model = backbone(window_size=0)
    missing, unexpected = model.load_state_dict(state, strict=False)
    assert unexpected == []
    assert set(missing) == {
        f'layers.{i}.attn.rel_pos_{a}'
        for i in range(4)
        for a in 'hw'
    }
    x = torch.randn(2, 3, IMG, IMG)
    enc = source.backbone
    stage1, stage2, tokens, _ = enc.forward_stages(x)
    for layer in enc.layers:
        tokens = layer(tokens)
    stage3 = tokens.transpose(1, 2).reshape(2, 32, 4, 4)
    model.eval()
    ours = model(x)
    for got, expected in zip(ours, (stage1, stage2, stage3)):
        torch.testing.assert_close(got, expected, atol=1e-5, rtol=1e-5)


def test_converter_target_for_convmae(tmp_path):
    source = pretrained()
    full = source.state_dict()
    encoder_keys = {
        k[len('backbone.'):]
        for k in full if k.startswith('backbone.')
    }
    for target in ('mmdet', 'mmseg'):
        state, encoder, report = convert_checkpoint(full, target)
        assert encoder == 'ConvMAEViT'  # not MAEViT, whose key it holds too
        assert set(state) == {
            k
            for k in encoder_keys if not k.startswith(PRETRAINING_ONLY)
        }
        assert any('fuse1' in line and 'ln1' in line for line in report)
    state, _, _ = convert_checkpoint(full, 'mmpretrain')
    assert set(state) == {f'backbone.{k}' for k in encoder_keys}
    # a converted file has no decoder: refused with what to pass instead
    with pytest.raises(ValueError, match="pre-training run's checkpoint"):
        convert_checkpoint(state, 'mmdet')


@pytest.fixture
def mmdet_scope():
    pytest.importorskip('mmdet', reason='needs mmdet: make install-full')
    import pixmim_plugin.det  # noqa: F401
    with DefaultScope.overwrite_default_scope('mmdet'):
        yield


def tiny_classifier(cfg: Config, checkpoint: str, **options):
    """``cfg``'s classifier around the tiny encoder, initialised from
    ``checkpoint``; ``options`` are merged into the config too."""
    from mmpretrain.registry import MODELS as PRETRAIN_MODELS
    cfg.merge_from_dict({
        'model.backbone.arch': dict(TINY, _delete_=True),
        'model.backbone.img_size': IMG,
        'model.backbone.init_cfg.checkpoint': checkpoint,
        'model.head.in_channels': 32,
        **options
    })
    model = PRETRAIN_MODELS.build(cfg.model)
    model.init_weights()
    return model


def tiny_detector(checkpoint: str, **backbone):
    cfg = Config.fromfile(DET)
    cfg.merge_from_dict({
        'model.backbone.arch': dict(TINY, _delete_=True),
        'model.backbone.img_size': 128,
        'model.backbone.window_size': 2,
        'model.backbone.global_attn_indexes': (0, 3),
        'model.backbone.init_cfg.checkpoint': checkpoint,
        'model.neck.in_channels': [8, 16, 32, 32],
        **{
            f'model.backbone.{k}': v
            for k, v in backbone.items()
        },
    })
    return MODELS.build(cfg.model), cfg


def test_detector_loads_every_encoder_weight(tmp_path, mmdet_scope):
    source, state, path = converted(tmp_path, 'mmdet')
    model, _ = tiny_detector(path)
    model.init_weights()
    ours = model.backbone.state_dict()
    assert set(ours) - set(state) == {
        f'layers.{i}.attn.rel_pos_{a}'
        for i in range(4)
        for a in 'hw'
    }
    assert set(state) - set(ours) == set()
    for key, value in state.items():
        if key != 'pos_embed':
            assert torch.equal(ours[key], value), key
    # 4x4 grid -> 8x8, bicubic, as a (1, C, h, w) image
    grid = state['pos_embed'].reshape(1, 4, 4, 32).permute(0, 3, 1, 2)
    expected = F.interpolate(
        grid, size=(8, 8), mode='bicubic', align_corners=False)
    torch.testing.assert_close(ours['pos_embed'],
                               expected.flatten(2).transpose(1, 2))
    # frozen after loading, as the official detector (sincos_pos_embed=True)
    assert not model.backbone.pos_embed.requires_grad


def expected_depth(name: str) -> int:
    """ConvMAE's rule (``get_layer_id_for_vit`` of its classification and
    segmentation code), written out with this plugin's names: positions,
    patch embeddings (``patch_embed4`` is ``patch_proj`` here) and conv
    stages 0, stage-3 block i (``blocks3``, ``layers`` here) at i + 1, the
    rest at 5 (4 blocks)."""
    if name.startswith('backbone.layers.'):
        return int(name.split('.')[2]) + 1
    if name == 'backbone.pos_embed' or name.startswith(
        ('backbone.patch_embed', 'backbone.patch_proj', 'backbone.blocks1.',
         'backbone.blocks2.')):
        return 0
    return 5


def param_groups(model, cfg, registry):
    constructor = registry.build(
        dict(
            type=cfg.optim_wrapper.constructor,
            optim_wrapper_cfg=dict(
                type='OptimWrapper', optimizer=cfg.optim_wrapper.optimizer),
            paramwise_cfg=cfg.optim_wrapper.paramwise_cfg))
    groups = constructor(model).optimizer.param_groups
    names = {id(p): n for n, p in model.named_parameters()}
    return {names[id(g['params'][0])]: g for g in groups}


def test_detector_layer_decay_and_recipe(mmdet_scope):
    from mmdet.registry import OPTIM_WRAPPER_CONSTRUCTORS
    model, cfg = tiny_detector('')
    groups = param_groups(model, cfg, OPTIM_WRAPPER_CONSTRUCTORS)
    trainable = {n for n, p in model.named_parameters() if p.requires_grad}
    assert set(groups) == trainable
    assert 'backbone.pos_embed' not in trainable  # as the official detector
    norms = {
        f'{m}.{p}'
        for m, module in model.named_modules()
        if isinstance(module, (torch.nn.LayerNorm, torch.nn.GroupNorm,
                               torch.nn.modules.batchnorm._BatchNorm))
        for p, _ in module.named_parameters(recurse=False)
    }
    for name, group in groups.items():
        lr = 1e-4 * 0.85**(5 - expected_depth(name))
        assert group['lr'] == pytest.approx(lr), name
        no_decay = name in norms or 'rel_pos_' in name
        assert group['weight_decay'] == (0 if no_decay else 0.1), name
    cfg = Config.fromfile(DET)  # the paper's recipe, untouched
    optim = cfg.optim_wrapper
    assert optim.optimizer.type == 'AdamW' and optim.optimizer.lr == 1e-4
    assert optim.optimizer.weight_decay == 0.1
    assert cfg.model.backbone.drop_path_rate == 0.1
    assert cfg.train_cfg.max_epochs == 25
    assert cfg.train_dataloader.dataset.times == 1
    assert 8 * cfg.train_dataloader.batch_size == 16
    assert cfg.param_scheduler[-1].type == 'CosineAnnealingLR'
    assert cfg.model.backbone.global_attn_indexes == (0, 3, 6, 10)


def test_detector_trains_positions_at_depth_0_without_decay_on_request(
        mmdet_scope):
    """frozen_pos_embed=False: the position embedding trains, in the real
    config's constructor at the lr of depth 0 (lr x 0.85 ** 5 for 4
    blocks, as the stem) and without weight decay."""
    from mmdet.registry import OPTIM_WRAPPER_CONSTRUCTORS
    model, cfg = tiny_detector('', frozen_pos_embed=False)
    assert model.backbone.pos_embed.requires_grad
    groups = param_groups(model, cfg, OPTIM_WRAPPER_CONSTRUCTORS)
    pos = groups['backbone.pos_embed']
    assert pos['weight_decay'] == 0
    assert pos['lr'] == pytest.approx(1e-4 * 0.85**5)
    assert pos['lr'] == groups['backbone.patch_embed1.projection.weight']['lr']


@pytest.fixture
def mmseg_scope():
    pytest.importorskip('mmseg', reason='needs mmseg: make install-full')
    import pixmim_plugin.seg  # noqa: F401
    with DefaultScope.overwrite_default_scope('mmseg'):
        yield


def test_segmentor_loads_weights_and_decays_by_layer(tmp_path, mmseg_scope):
    from mmseg.registry import OPTIM_WRAPPER_CONSTRUCTORS
    _, state, path = converted(tmp_path, 'mmseg')
    cfg = Config.fromfile(SEG)
    cfg.merge_from_dict({
        'model.backbone.arch': dict(TINY, _delete_=True),
        'model.backbone.img_size': (IMG, IMG),
        'model.backbone.init_cfg.checkpoint': path,
        'model.decode_head.in_channels': [8, 16, 32, 32],
        'model.decode_head.channels': 16,
        'model.auxiliary_head.in_channels': 32,
        'model.auxiliary_head.channels': 16,
    })
    model = MODELS.build(cfg.model)
    model.init_weights()
    ours = model.backbone.state_dict()
    assert set(ours) - set(state) == {
        f'layers.{i}.attn.rel_pos_{a}'
        for i in range(4)
        for a in 'hw'
    }
    for key, value in state.items():
        assert torch.equal(ours[key], value), key  # same grid: 64 px
    assert all(layer.window_size == 0 for layer in model.backbone.layers)
    groups = param_groups(model, cfg, OPTIM_WRAPPER_CONSTRUCTORS)
    # the position embedding trains, at depth 0, without weight decay
    assert model.backbone.pos_embed.requires_grad
    assert groups['backbone.pos_embed']['lr'] == pytest.approx(3e-4 * 0.75**5)
    for name, group in groups.items():
        lr = 3e-4 * 0.75**(5 - expected_depth(name))
        assert group['lr'] == pytest.approx(lr), name
        flat = dict(model.named_parameters())[name].ndim == 1
        no_decay = flat or name == 'backbone.pos_embed'
        assert group['weight_decay'] == (0 if no_decay else 0.05), name


def test_linear_probe_loads_the_raw_encoder_frozen(tmp_path):
    """The mmpretrain target (every encoder weight) into the probe: the
    pre-training fusion and final norm skipped, fc_norm the one new norm,
    nothing in the encoder trainable, eval mode kept while training."""
    _, state, path = converted(tmp_path, 'mmpretrain')
    cfg = Config.fromfile(LINEAR)
    assert cfg.train_dataloader.batch_size * 8 == 4096
    assert cfg.optim_wrapper.optimizer.lr == pytest.approx(0.1 * 4096 / 256)
    model = tiny_classifier(cfg, path, **{'model.neck.input_features': 32})
    ours = model.backbone.state_dict()
    for key, value in state.items():
        name = key[len('backbone.'):]
        if name.startswith(PRETRAINING_ONLY):
            assert name not in ours
        else:
            assert torch.equal(ours[name], value), name
    new = {k for k in ours if 'backbone.' + k not in state}
    assert new == {'fc_norm.weight', 'fc_norm.bias'}
    assert not any(p.requires_grad for p in model.backbone.parameters())
    model.train()
    assert not model.backbone.training and model.head.training
    feats = model.extract_feat(torch.randn(2, 3, IMG, IMG))
    assert feats[0].shape == (2, 32)


def test_finetune_config_is_the_official_recipe_and_trains_positions(tmp_path):
    """configs/convmae/benchmarks' fine-tuning: FINETUNE.md's and
    main_finetune.py's numbers; the encoder loads every pre-trained weight
    but the fusion and final norm; through the config's own constructor
    the position embedding trains at depth 0 (lr x 0.65 ** 5 for 4 blocks)
    without weight decay, and every other weight gets ConvMAE's
    util/lr_decay.py rule (no decay on 1-d weights)."""
    from mmpretrain.registry import OPTIM_WRAPPER_CONSTRUCTORS
    cfg = Config.fromfile(FINETUNE)
    optim = cfg.optim_wrapper
    assert cfg.train_dataloader.batch_size * 8 == 1024
    assert optim.optimizer.type == 'AdamW' and optim.optimizer.fused
    assert optim.optimizer.lr == pytest.approx(5e-4 * 1024 / 256)
    assert optim.optimizer.weight_decay == 0.05
    assert tuple(optim.optimizer.betas) == (0.9, 0.999)
    assert optim.paramwise_cfg.layer_decay_rate == 0.65
    assert cfg.model.backbone.drop_path_rate == 0.1
    assert cfg.train_cfg.max_epochs == 100
    warmup, cosine = cfg.param_scheduler
    assert (warmup.end, cosine.begin, cosine.end) == (5, 5, 100)
    assert cosine.eta_min == 1e-6
    augments = {a.type: a.alpha for a in cfg.model.train_cfg.augments}
    assert augments == dict(Mixup=0.8, CutMix=1.0)
    assert cfg.model.head.loss.label_smooth_val == 0.1
    steps = {step.type: step for step in cfg.train_dataloader.dataset.pipeline}
    assert steps['RandomErasing'].erase_prob == 0.25
    rand_aug = steps['RandAugment']
    assert (rand_aug.magnitude_level, rand_aug.magnitude_std) == (9, 0.5)

    _, state, path = converted(tmp_path, 'mmpretrain')
    model = tiny_classifier(cfg, path)
    ours = model.backbone.state_dict()
    for key, value in state.items():
        name = key[len('backbone.'):]
        if not name.startswith(PRETRAINING_ONLY):
            assert torch.equal(ours[name], value), name
    params = dict(model.named_parameters())
    assert all(p.requires_grad for p in params.values())
    groups = param_groups(model, cfg, OPTIM_WRAPPER_CONSTRUCTORS)
    assert set(groups) == set(params)
    pos = groups['backbone.pos_embed']
    assert pos['weight_decay'] == 0
    assert pos['lr_scale'] == pytest.approx(0.65**5)
    stem = groups['backbone.patch_embed1.projection.weight']
    assert pos['lr_scale'] == stem['lr_scale']
    for name, group in groups.items():
        scale = 0.65**(5 - expected_depth(name))
        assert group['lr_scale'] == pytest.approx(scale), name
        no_decay = params[name].ndim == 1 or name == 'backbone.pos_embed'
        assert group['weight_decay'] == (0 if no_decay else 0.05), name


@pytest.mark.parametrize('config', [
    DET,
    osp.join(ROOT, 'configs', 'demo',
             'mask-rcnn_convvit-tiny-p8_fpn_1xb4-60it_coco-shapes.py')
])
def test_detector_strides_match_the_encoder_levels(config, mmdet_scope):
    """Anchors and RoI extractors at the strides the encoder's levels
    have (the demo encoder has stride 8, ConvMAE-B 16)."""
    cfg = Config.fromfile(config)
    backbone_cfg = cfg.model.backbone.copy()
    backbone_cfg.update(img_size=128, init_cfg=None)
    if config == DET:  # ConvMAE-B's strides with a tiny width
        backbone_cfg.update(arch=dict(TINY), global_attn_indexes=(0, 3))
    encoder = MODELS.build(backbone_cfg)
    encoder.eval()
    with torch.no_grad():
        levels = encoder(torch.zeros(1, 3, 128, 128))
    strides = [128 // level.shape[-1] for level in levels]
    arch = cfg.model.backbone.arch
    dims = ConvMAEViT.arch_zoo[arch]['embed_dims'] if isinstance(
        arch, str) else arch['embed_dims']
    assert cfg.model.neck.in_channels == dims + dims[-1:]
    roi = cfg.model.roi_head
    assert roi.bbox_roi_extractor.featmap_strides == strides
    assert roi.mask_roi_extractor.featmap_strides == strides
    # the FPN's extra level (max pooling) for the RPN only
    anchors = cfg.model.rpn_head.anchor_generator.strides
    assert anchors == strides + [2 * strides[-1]]
