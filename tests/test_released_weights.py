"""The authors' released checkpoints in this plugin's models.

No network: each released file is stood in for by a state dict with its
key names and shapes, written here from the official code (mmcls /
mmselfsup 1.x ``VisionTransformer``, ``MAEPretrainDecoder`` and
``LowFreqTargetGenerator``; the official MFM ``VisionTransformer``,
``MFM`` and timm's ``ResNet``), not from this plugin's models. At full size
the tensors live on the meta device (names and shapes only); the files the
tool reads are the same key sets at reduced width.
"""
import glob
import os
import os.path as osp
import re
import runpy
import shutil
import sys
from typing import Dict, Tuple

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.logging import MessageHub
from mmengine.registry import MODELS, init_default_scope

import pixmim_plugin  # noqa: F401
from pixmim_plugin.checkpoint import load_checkpoint
from pixmim_plugin.transfer import (RELEASED, convert_checkpoint, from_mfm,
                                    to_mfm, to_plugin_layout)

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
Shapes = Dict[str, Tuple[int, ...]]


# ---- the official layouts, from the official code ----
def mmcls_vit(dim: int, depth: int, num_patches: int, patch: int,
              final_norm: bool, avg_token: bool) -> Shapes:
    """mmcls 1.x ``VisionTransformer`` (mmselfsup's ``MAEViT``)."""
    out = {
        'cls_token': (1, 1, dim),
        'pos_embed': (1, num_patches + 1, dim),
        'patch_embed.projection.weight': (dim, 3, patch, patch),
        'patch_embed.projection.bias': (dim, ),
    }
    for i in range(depth):
        out.update(mmcls_layer(f'layers.{i}.', dim))
    if final_norm:
        out.update({'ln1.weight': (dim, ), 'ln1.bias': (dim, )})
    if avg_token:
        out.update({'ln2.weight': (dim, ), 'ln2.bias': (dim, )})
    return out


def mmcls_layer(prefix: str, dim: int) -> Shapes:
    """mmcls 1.x ``TransformerEncoderLayer``: qkv with bias, FFN 4x."""
    names = {
        'ln1.weight': (dim, ),
        'ln1.bias': (dim, ),
        'attn.qkv.weight': (3 * dim, dim),
        'attn.qkv.bias': (3 * dim, ),
        'attn.proj.weight': (dim, dim),
        'attn.proj.bias': (dim, ),
        'ln2.weight': (dim, ),
        'ln2.bias': (dim, ),
        'ffn.layers.0.0.weight': (4 * dim, dim),
        'ffn.layers.0.0.bias': (4 * dim, ),
        'ffn.layers.1.weight': (dim, 4 * dim),
        'ffn.layers.1.bias': (dim, ),
    }
    return {prefix + k: v for k, v in names.items()}


def mmselfsup_mae(dim: int, depth: int, img: int, patch: int, dec_dim: int,
                  dec_depth: int) -> Shapes:
    """mmselfsup 1.x ``MAE``: ``MAEViT`` + ``MAEPretrainDecoder`` (the
    head has no parameters)."""
    n = (img // patch)**2
    out = {
        f'backbone.{k}': v
        for k, v in mmcls_vit(dim, depth, n, patch, True, False).items()
    }
    out.update({
        'neck.mask_token': (1, 1, dec_dim),
        'neck.decoder_pos_embed': (1, n + 1, dec_dim),
        'neck.decoder_embed.weight': (dec_dim, dim),
        'neck.decoder_embed.bias': (dec_dim, ),
        'neck.ln1.weight': (dec_dim, ),
        'neck.ln1.bias': (dec_dim, ),
        'neck.decoder_pred.weight': (patch * patch * 3, dec_dim),
        'neck.decoder_pred.bias': (patch * patch * 3, ),
    })
    for j in range(dec_depth):
        out.update(mmcls_layer(f'neck.decoder_blocks.{j}.', dec_dim))
    return out


def mmselfsup_filter(size: int, radius: float) -> torch.Tensor:
    """mmselfsup's stored mask: 1 where ``(i - (h-1)/2)^2 + (j - (w-1)/2)^2
    <= r^2``, for 3 channels."""
    c = (size - 1) / 2
    i, j = np.meshgrid(np.arange(size), np.arange(size), indexing='ij')
    keep = (i - c)**2 + (j - c)**2 <= radius**2
    return torch.from_numpy(np.repeat(keep[None], 3, 0).astype(np.float32))


def mmcls_classifier(dim: int, depth: int, img: int, patch: int,
                     kind: str) -> Shapes:
    """mmselfsup's PixMIM classifiers: fine-tuned (mean token + ln2,
    ``LinearClsHead``) or linear probe (class token + ln1, affine-free
    BatchNorm neck, ``VisionTransformerClsHead``)."""
    n = (img // patch)**2
    vit = mmcls_vit(dim, depth, n, patch, kind == 'linear', kind != 'linear')
    out = {f'backbone.{k}': v for k, v in vit.items()}
    if kind == 'linear':
        out.update({
            'neck.bn.running_mean': (dim, ),
            'neck.bn.running_var': (dim, ),
            'neck.bn.num_batches_tracked': (),
            'head.layers.head.weight': (1000, dim),
            'head.layers.head.bias': (1000, ),
        })
    else:
        out.update({'head.fc.weight': (1000, dim), 'head.fc.bias': (1000, )})
    return out


def mfm_vit(dim: int, depth: int, img: int, patch: int,
            pretraining: bool) -> Shapes:
    """The official MFM ``VisionTransformer`` (BEiT style, ``qkv`` without
    bias, q / v biases, no LayerScale or relative positions as the ViT-B
    configs set them): pre-training ``MFM`` (encoder with final ``norm``,
    1x1-conv decoder) or the fine-tuned classifier (``fc_norm``,
    ``head``)."""
    n = (img // patch)**2
    out = {
        'cls_token': (1, 1, dim),
        'pos_embed': (1, n + 1, dim),
        'patch_embed.proj.weight': (dim, 3, patch, patch),
        'patch_embed.proj.bias': (dim, ),
    }
    for i in range(depth):
        block = {
            'norm1.weight': (dim, ),
            'norm1.bias': (dim, ),
            'attn.q_bias': (dim, ),
            'attn.v_bias': (dim, ),
            'attn.qkv.weight': (3 * dim, dim),
            'attn.proj.weight': (dim, dim),
            'attn.proj.bias': (dim, ),
            'norm2.weight': (dim, ),
            'norm2.bias': (dim, ),
            'mlp.fc1.weight': (4 * dim, dim),
            'mlp.fc1.bias': (4 * dim, ),
            'mlp.fc2.weight': (dim, 4 * dim),
            'mlp.fc2.bias': (dim, ),
        }
        out.update({f'blocks.{i}.{k}': v for k, v in block.items()})
    if not pretraining:
        out.update({
            'fc_norm.weight': (dim, ),
            'fc_norm.bias': (dim, ),
            'head.weight': (1000, dim),
            'head.bias': (1000, ),
        })
        return out
    out.update({'norm.weight': (dim, ), 'norm.bias': (dim, )})
    out = {f'encoder.{k}': v for k, v in out.items()}
    out.update({
        'decoder.0.weight': (patch * patch * 3, dim, 1, 1),
        'decoder.0.bias': (patch * patch * 3, ),
    })
    return out


def timm_resnet50(base: int, pretraining: bool) -> Shapes:
    """timm's ``ResNet`` with ``Bottleneck`` blocks [3, 4, 6, 3] (widths
    ``base * 2^i``, expansion 4): the MFM encoder (``num_classes=0``) with
    its 1x1-conv decoder to 32 x 32 x 3, or the fine-tuned classifier
    (``fc``)."""

    def bn(name: str, c: int) -> Shapes:
        return {
            f'{name}.weight': (c, ),
            f'{name}.bias': (c, ),
            f'{name}.running_mean': (c, ),
            f'{name}.running_var': (c, ),
            f'{name}.num_batches_tracked': (),
        }

    out = {'conv1.weight': (base, 3, 7, 7), **bn('bn1', base)}
    inplanes = base
    for i, blocks in enumerate((3, 4, 6, 3)):
        width = base * 2**i
        for j in range(blocks):
            p = f'layer{i + 1}.{j}.'
            out.update({
                p + 'conv1.weight': (width, inplanes, 1, 1),
                **bn(p + 'bn1', width),
                p + 'conv2.weight': (width, width, 3, 3),
                **bn(p + 'bn2', width),
                p + 'conv3.weight': (4 * width, width, 1, 1),
                **bn(p + 'bn3', 4 * width),
            })
            if j == 0:
                out[p + 'downsample.0.weight'] = (4 * width, inplanes, 1, 1)
                out.update(bn(p + 'downsample.1', 4 * width))
            inplanes = 4 * width
    if not pretraining:
        return {**out, 'fc.weight': (1000, inplanes), 'fc.bias': (1000, )}
    out = {f'encoder.{k}': v for k, v in out.items()}
    out.update({
        'decoder.0.weight': (32 * 32 * 3, inplanes, 1, 1),
        'decoder.0.bias': (32 * 32 * 3, ),
    })
    return out


def released_shapes(entry) -> Shapes:
    """The full-size key set of a released file."""
    if entry.layout == 'mfm':
        if 'resnet50' in entry.config:
            return timm_resnet50(64, entry.kind == 'pretrain')
        return mfm_vit(768, 12, 224, 16, entry.kind == 'pretrain')
    dim, depth = (1024, 24) if 'large' in entry.config else (768, 12)
    if entry.kind == 'pretrain':
        return mmselfsup_mae(dim, depth, 224, 16, 512, 8)
    return mmcls_classifier(dim, depth, 224, 16, entry.kind)


def tensors(shapes: Shapes, device: str = 'cpu') -> Dict[str, torch.Tensor]:
    gen = torch.Generator().manual_seed(0)
    if device == 'meta':
        return {k: torch.empty(s, device='meta') for k, s in shapes.items()}
    return {
        k:
        torch.tensor(1000) if k.endswith('num_batches_tracked') else
        torch.randn(s, generator=gen)
        for k, s in shapes.items()
    }


# ---- this plugin's models ----
def build(config: str, options: dict = None, meta: bool = False):
    cfg = Config.fromfile(osp.join(ROOT, config))
    cfg.merge_from_dict(options or {})
    init_default_scope('mmpretrain')
    if meta:
        with torch.device('meta'):
            return MODELS.build(cfg.model)
    return MODELS.build(cfg.model)


def shapes_of(state: Dict[str, torch.Tensor]) -> Shapes:
    return {k: tuple(v.shape) for k, v in state.items()}


def test_urls_are_the_published_ones():
    # as open-mmlab/mmselfsup 1.x lists them (configs/selfsup/pixmim/
    # metafile.yml), in pieces of one line each
    run = 'pixmim_vit-base-p16_8xb512-amp-coslr-{}e_in1k'
    tune = 'vit-base-p16_ft-8xb128-coslr-100e_in1k'
    probe = ('vit-base-p16_linear-8xb2048-torchvision-transform-coslr-'
             '90e_in1k')
    published = []
    for epochs, hashes in ((300, ('3304a88c', '7eba2bc2', '72322af8')),
                           (800, ('e8137924', '616b1a7f', '12c15568'))):
        folder = run.format(epochs)
        published += [
            f'{folder}/{folder}_20230322-{hashes[0]}.pth',
            f'{folder}/{tune}/{tune}_20230322-{hashes[1]}.pth',
            f'{folder}/{probe}/{probe}_20230322-{hashes[2]}.pth',
        ]
    ours = [r.url for r in RELEASED if r.name.startswith('pixmim')]
    prefix = 'https://download.openmmlab.com/mmselfsup/1.x/pixmim/'
    assert ours == [prefix + p for p in published]
    assert all(osp.isfile(osp.join(ROOT, r.config)) for r in RELEASED)


def test_the_metafiles_list_every_released_file():
    metafiles = glob.glob(osp.join(ROOT, 'configs', '*', 'metafile.yml'))
    if not metafiles:
        pytest.skip('no configs/*/metafile.yml')
    listed = set()
    for path in metafiles:
        with open(path) as f:
            listed |= set(re.findall(r'Weights: (\S+)', f.read()))
    assert {r.url for r in RELEASED} <= listed


@pytest.mark.parametrize('entry', RELEASED, ids=lambda r: r.name)
def test_every_released_file_fits_its_config_exactly(entry):
    official = tensors(released_shapes(entry), 'meta')
    if entry.layout == 'mmselfsup':  # the one real tensor of the file
        official['target_generator.low_pass_filter'] = mmselfsup_filter(
            224, 40)
    state, layout, report = to_plugin_layout(official)
    assert layout == entry.layout
    resnet = 'resnet50' in entry.config  # ResNet cannot be built on meta
    model = build(entry.config, meta=not resnet)
    # equal names and shapes: a strict load_state_dict succeeds
    assert shapes_of(state) == shapes_of(model.state_dict())
    if layout == 'mmselfsup':
        kept = int(mmselfsup_filter(224, 40)[0].sum())
        assert report == [
            'dropped target_generator.low_pass_filter (3, 224, 224): '
            f'mmselfsup\'s stored low-pass mask ({kept} of 50176 bins '
            'kept), not a parameter; LowFreqTargetGenerator computes its '
            'filter'
        ]


@pytest.mark.parametrize(
    'config',
    sorted(
        osp.join('configs', 'robustness', f)
        for f in os.listdir(osp.join(ROOT, 'configs', 'robustness'))))
def test_released_classifier_fits_the_robustness_configs(config):
    # paper Table 4 from the released fine-tuned PixMIM, at inference cost
    released = mmcls_classifier(768, 12, 224, 16, 'finetune')
    assert released == shapes_of(build(config, meta=True).state_dict())


@pytest.mark.parametrize('pretraining', [True, False])
@pytest.mark.parametrize('arch', ['vit', 'resnet'])
def test_mfm_mapping_both_ways(arch, pretraining):
    shapes = (
        mfm_vit(48, 2, 32, 16, pretraining)
        if arch == 'vit' else timm_resnet50(8, pretraining))
    official = tensors(shapes)
    ours, kind = from_mfm(official)
    what = 'pre-training model' if pretraining else 'classifier'
    assert kind == f'{arch} {what}'
    back, _ = to_mfm(ours)
    assert list(back) == list(official)
    assert all(back[k] is official[k] for k in official)  # renamed only
    again, _ = from_mfm(back)
    assert list(again) == list(ours)
    # a few names pinned: the official name, this plugin's
    expected = {
        'vit': {
            'blocks.1.mlp.fc2.weight':
            'layers.1.ffn.layers.1.weight',
            'blocks.0.attn.q_bias':
            'layers.0.attn.q_bias',
            'patch_embed.proj.weight':
            'patch_embed.projection.weight',
            ('norm.bias' if pretraining else 'fc_norm.bias'):
            ('ln1.bias' if pretraining else 'ln2.bias'),
        },
        'resnet': {
            'layer4.2.bn3.running_var': 'layer4.2.bn3.running_var',
            'layer1.0.downsample.1.weight': 'layer1.0.downsample.1.weight',
        },
    }[arch]
    for theirs, mine in expected.items():
        if pretraining:
            assert torch.equal(ours[f'backbone.{mine}'],
                               official[f'encoder.{theirs}'])
        else:
            assert torch.equal(ours[f'backbone.{mine}'], official[theirs])
    if pretraining:
        assert ours['neck.decoder.0.weight'] is official['decoder.0.weight']
    else:
        head = 'head.weight' if arch == 'vit' else 'fc.weight'
        assert ours['head.fc.weight'] is official[head]


def test_mfm_mapping_names_an_unknown_key():
    official = tensors(mfm_vit(48, 1, 32, 16, True))
    official['encoder.rel_pos_bias.relative_position_bias_table'] = \
        torch.zeros(1)
    with pytest.raises(ValueError, match='rel_pos_bias'):
        from_mfm(official)


# ---- the released files at reduced width, through the tool ----
TINY_VIT = {'model.backbone.arch': 'deit-tiny', 'model.backbone.img_size': 32}
TINY = {
    'pretrain': {
        **TINY_VIT, 'model.neck.num_patches': 4,
        'model.neck.embed_dim': 192,
        'model.neck.decoder_embed_dim': 64,
        'model.neck.decoder_depth': 1
    },
    'finetune': {
        **TINY_VIT, 'model.head.in_channels': 192
    },
    'linear': {
        **TINY_VIT, 'model.head.in_channels': 192,
        'model.neck.input_features': 192
    },
    'mfm-vit-pretrain': {
        **TINY_VIT, 'model.neck.in_channels': 192
    },
    'mfm-vit-finetune': {
        **TINY_VIT, 'model.head.in_channels': 192
    },
    'mfm-resnet-pretrain': {
        'model.backbone.base_channels': 8,
        'model.backbone.stem_channels': 8,
        'model.neck.in_channels': 256
    },
    'mfm-resnet-finetune': {
        'model.backbone.base_channels': 8,
        'model.backbone.stem_channels': 8,
        'model.head.in_channels': 256
    },
}


def tiny_released(entry) -> Tuple[dict, dict]:
    """A stand-in for the released file at reduced width, saved as its
    code saves it, and the options that shrink its config the same way."""
    if entry.layout == 'mfm':
        arch = 'resnet' if 'resnet50' in entry.config else 'vit'
        pre = entry.kind == 'pretrain'
        shapes = (
            timm_resnet50(8, pre) if arch == 'resnet' else mfm_vit(
                192, 12, 32, 16, pre))
        # the official code's save_checkpoint without its yacs config
        # (which weights-only loading refuses: pass --trust for such files)
        checkpoint = dict(
            model=tensors(shapes),
            optimizer=dict(state={}, param_groups=[dict(lr=0.0)]),
            lr_scheduler=dict(t_initial=300),
            max_accuracy=0.0,
            epoch=299,
            amp=dict(loss_scaler0=dict(loss_scale=65536.0, unskipped=0)))
        return checkpoint, TINY[f'mfm-{arch}-{entry.kind}']
    if entry.kind == 'pretrain':
        state = tensors(mmselfsup_mae(192, 12, 32, 16, 64, 1))
        if entry.layout == 'mmselfsup':
            state['target_generator.low_pass_filter'] = mmselfsup_filter(32, 8)
            return mmengine_checkpoint(entry, state), {
                **TINY['pretrain'], 'model.target_generator.img_size': 32,
                'model.target_generator.radius': 8
            }
    else:
        state = tensors(mmcls_classifier(192, 12, 32, 16, entry.kind))
    return mmengine_checkpoint(entry, state), TINY[entry.kind]


def mmengine_checkpoint(entry, state: Dict[str, torch.Tensor]) -> dict:
    """An mmengine checkpoint as mmselfsup's publish_model leaves it: the
    optimizer removed, the message hub and schedulers kept."""
    hub = MessageHub.get_instance(f'released-{entry.name}')
    hub.update_scalar('train/loss', np.float64(0.5))
    hub.update_info('epoch', 300)
    return dict(
        meta=dict(epoch=300, iter=1000, cfg='model = dict()', seed=0),
        state_dict=state,
        message_hub=hub.state_dict(),
        param_schedulers=[dict(by_epoch=True, last_step=300)])


def convert_tool(monkeypatch, *args: str) -> str:
    tool = osp.join(ROOT, 'tools', 'convert_checkpoint.py')
    monkeypatch.setattr(sys, 'argv', [tool, *args])
    try:
        runpy.run_path(tool, run_name='__main__')
    except SystemExit as stop:
        return str(stop.code)
    return ''


# one of each layout and kind (the others share them)
SAMPLES = [
    r for r in RELEASED if r.name in {
        'pixmim-vit-b-800e', 'pixmim-vit-b-800e-ft',
        'pixmim-vit-b-800e-linear', 'mae-vit-b-800e', 'mfm-vit-b-300e',
        'mfm-vit-b-300e-ft', 'mfm-r50-300e', 'mfm-r50-300e-ft300e'
    }
]


@pytest.mark.parametrize('entry', SAMPLES, ids=lambda r: r.name)
def test_tool_turns_a_released_file_into_its_model(tmp_path, monkeypatch,
                                                   capsys, entry):
    checkpoint, options = tiny_released(entry)
    src, dst = str(tmp_path / 'released.pth'), str(tmp_path / 'model.pth')
    # publish_model saves in torch's legacy (non-zip) format
    torch.save(checkpoint, src, _use_new_zipfile_serialization=False)
    assert convert_tool(monkeypatch, src, dst, '--to', 'model') == ''
    out = capsys.readouterr().out
    converted = load_checkpoint(dst)['state_dict']
    model = build(entry.config, options)
    model.load_state_dict(converted, strict=True)
    source = checkpoint.get('state_dict') or checkpoint['model']
    mapped, _, _ = to_plugin_layout(source)
    for key, value in model.state_dict().items():
        assert torch.equal(value, mapped[key]), key
    if entry.layout == 'plugin':  # as released: load_from takes it as is
        model.load_state_dict(load_checkpoint(src)['state_dict'])
    if entry.layout == 'mmselfsup':
        assert 'dropped target_generator.low_pass_filter' in out


@pytest.mark.parametrize('target', ['mmpretrain', 'mmseg', 'mmdet'])
def test_released_pixmim_encoder_goes_downstream_as_our_own(target):
    entry = next(r for r in RELEASED if r.name == 'pixmim-vit-b-300e')
    checkpoint, _ = tiny_released(entry)
    theirs, encoder, report = convert_checkpoint(checkpoint, target)
    state = dict(checkpoint['state_dict'])
    del state['target_generator.low_pass_filter']
    ours, _, _ = convert_checkpoint(state, target)
    assert encoder == 'MAEViT' and list(theirs) == list(ours)
    assert all(torch.equal(theirs[k], ours[k]) for k in ours)
    assert any('low_pass_filter' in line for line in report)


@pytest.mark.parametrize('target', ['mmpretrain', 'mmseg', 'mmdet'])
def test_released_mfm_vit_encoder_goes_downstream_as_our_own(target):
    entry = next(r for r in RELEASED if r.name == 'mfm-vit-b-300e')
    checkpoint, _ = tiny_released(entry)
    theirs, encoder, _ = convert_checkpoint(checkpoint, target, 'mfm')
    ours, _, _ = convert_checkpoint(from_mfm(checkpoint['model'])[0], target)
    assert encoder == 'BEiTViT' and list(theirs) == list(ours)
    assert all(torch.equal(theirs[k], ours[k]) for k in ours)


def test_a_classifier_goes_to_model_only():
    entry = next(r for r in RELEASED if r.name == 'mfm-vit-b-300e-ft')
    checkpoint, _ = tiny_released(entry)
    with pytest.raises(ValueError, match='not a pre-training checkpoint'):
        convert_checkpoint(checkpoint, 'mmseg')
    with pytest.raises(ValueError, match='no known encoder'):
        convert_checkpoint({'w': torch.zeros(1)}, 'model')


def test_tool_downloads_a_url_once_and_checks_its_hash(tmp_path, monkeypatch,
                                                       capsys):
    entry = next(r for r in RELEASED if r.name == 'pixmim-vit-b-800e')
    checkpoint, _ = tiny_released(entry)
    served = str(tmp_path / 'served.pth')
    torch.save(checkpoint, served, _use_new_zipfile_serialization=False)
    calls = []

    def download(url, dst, hash_prefix=None, progress=True):
        calls.append((url, hash_prefix))
        shutil.copy(served, dst)

    monkeypatch.setattr(torch.hub, 'download_url_to_file', download)
    monkeypatch.setattr(torch.hub, 'get_dir', lambda: str(tmp_path / 'hub'))
    for name in ('a.pth', 'b.pth'):
        error = convert_tool(monkeypatch, entry.url, str(tmp_path / name),
                             '--to', 'mmdet')
        assert error == ''
    assert calls == [(entry.url, 'e8137924')]  # the name's sha256 prefix
    cached = tmp_path / 'hub' / 'checkpoints' / osp.basename(entry.url)
    assert cached.is_file()
    out = load_checkpoint(str(tmp_path / 'b.pth'))
    assert out['meta']['source'] == entry.url
    capsys.readouterr()


def test_tool_refuses_a_google_drive_page(tmp_path, monkeypatch):
    entry = next(r for r in RELEASED if r.name == 'mfm-vit-b-300e')
    error = convert_tool(monkeypatch, entry.url, str(tmp_path / 'x.pth'),
                         '--to', 'model')
    assert 'download it in a browser' in error
    assert os.listdir(tmp_path) == []
