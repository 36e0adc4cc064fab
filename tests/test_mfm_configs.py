import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope
from mmpretrain.registry import MODELS

import pixmim_plugin  # noqa: F401

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
MFM = osp.join(ROOT, 'configs', 'mfm')


def load(name: str) -> Config:
    init_default_scope('mmpretrain')
    return Config.fromfile(osp.join(MFM, name))


def test_official_pretraining_recipe():
    cfg = load('mfm_vit-base-p16_16xb128-amp-coslr-300e_in1k.py')
    assert cfg.train_dataloader.batch_size == 128  # x 16 GPUs = 2048
    assert cfg.auto_scale_lr.base_batch_size == 2048
    opt = cfg.optim_wrapper
    assert opt.optimizer.lr == pytest.approx(1.2e-3)  # 3e-4 per 512
    assert opt.optimizer.betas == (0.9, 0.95)
    assert opt.optimizer.weight_decay == 0.05
    assert opt.clip_grad.max_norm == 3.0
    warmup, cosine = cfg.param_scheduler
    assert warmup.end == 20 and cosine.end == 300
    assert cfg.train_cfg.max_epochs == 300
    assert cosine.eta_min_ratio * opt.optimizer.lr == pytest.approx(1e-5)
    crop = cfg.train_dataloader.dataset.pipeline[1]
    assert crop.type == 'RandomResizedCrop' and crop.crop_ratio_range == (
        0.2, 1.0) and crop.interpolation == 'bicubic'
    corruption = cfg.model.corruption
    assert (corruption.radius, corruption.low_pass_prob) == (16, 0.5)
    resnet = load('mfm_resnet50_16xb128-amp-coslr-300e_in1k.py')
    assert resnet.model.corruption.low_pass_prob == 0.3
    assert resnet.model.neck.encoder_stride == 32


@pytest.mark.parametrize('task,corruption', [
    ('sr', 'DownUpSampleCorruption'),
    ('deblur', 'GaussianBlurCorruption'),
    ('denoise', 'GaussianNoiseCorruption'),
])
@pytest.mark.parametrize('arch', ['vit-base-p16', 'resnet50'])
def test_pretext_variants_change_only_the_corruption(task, corruption, arch):
    mfm = load(f'mfm_{arch}_16xb128-amp-coslr-300e_in1k.py')
    variant = load(f'{task}_{arch}_16xb128-amp-coslr-300e_in1k.py')
    assert variant.model.corruption.type == corruption
    variant.model.corruption = mfm.model.corruption
    assert variant.to_dict() == mfm.to_dict()


def test_no_weight_decay_on_flat_params_pos_embed_and_cls_token():
    cfg = load('mfm_vit-base-p16_16xb128-amp-coslr-300e_in1k.py')
    cfg.model.backbone.update(arch='deit-tiny', img_size=32)
    cfg.model.neck.in_channels = 192
    model = MODELS.build(cfg.model)
    cfg.optim_wrapper.type = 'OptimWrapper'  # AMP needs a GPU
    cfg.optim_wrapper.pop('loss_scale')
    wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    decay = {
        id(p): group['weight_decay']
        for group in wrapper.optimizer.param_groups
        for p in group['params']
    }
    for name, param in model.named_parameters():
        no_decay = param.ndim == 1 or name.endswith(('pos_embed', 'cls_token'))
        assert (decay[id(param)] == 0) == no_decay, name


def test_resnet_fine_tune_loads_every_backbone_weight(tmp_path):
    pre = load('mfm_resnet50_16xb128-amp-coslr-300e_in1k.py')
    pretrained = MODELS.build(pre.model)
    pretrained.init_weights()
    path = str(tmp_path / 'mfm_resnet50.pth')
    torch.save(dict(state_dict=pretrained.state_dict()), path)  # plain

    for name in ('resnet50_8xb256-rsb-a3-100e_in1k.py',
                 'resnet50_8xb256-rsb-a2-300e_in1k.py'):
        cfg = load(osp.join('benchmarks', name))
        cfg.model.backbone.init_cfg.checkpoint = path
        cfg.model.backbone.norm_cfg = dict(type='BN')  # no process group
        model = MODELS.build(cfg.model)
        model.init_weights()
        ours = model.backbone.state_dict()
        theirs = pretrained.backbone.state_dict()
        assert set(ours) == set(theirs)
        for key, value in ours.items():
            assert torch.equal(value, theirs[key]), key
