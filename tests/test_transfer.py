"""Pre-training checkpoint -> downstream encoder weights."""
import argparse
import os
import os.path as osp
import runpy
import sys
from typing import Tuple

import numpy as np
import pytest
import torch
from helpers import pretrained_model
from mmengine.config import Config
from mmengine.registry import MODELS, init_default_scope

import pixmim_plugin  # noqa: F401
from pixmim_plugin.transfer import convert_checkpoint, save_converted

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
SEG_CONFIG = osp.join(ROOT, 'configs', 'pixmim', 'benchmarks',
                      'upernet_vit-base-p16_8xb2-amp-160k_ade20k-512x512.py')


def tiny_segmentor(checkpoint: str) -> torch.nn.Module:
    pytest.importorskip('mmseg', reason='needs mmseg: make install-full')
    cfg = Config.fromfile(SEG_CONFIG)
    cfg.merge_from_dict({
        'model.backbone.embed_dims': 192,
        'model.backbone.num_heads': 3,
        'model.backbone.img_size': (64, 64),
        'model.backbone.init_cfg.checkpoint': checkpoint,
        'model.neck.embed_dim': 192,
        'model.decode_head.in_channels': [192] * 4,
        'model.decode_head.channels': 32,
        'model.auxiliary_head.in_channels': 192,
        'model.auxiliary_head.channels': 32,
    })
    init_default_scope('mmseg')
    model = MODELS.build(cfg.model)
    model.init_weights()
    return model.eval()


@pytest.mark.parametrize('algorithm', ['PixMIM', 'MFM'])
def test_mmseg_backbone_gets_every_encoder_weight(tmp_path, algorithm):
    source = pretrained_model(algorithm)
    # a raw training checkpoint: numpy scalars and all parts of the model
    raw = dict(meta=dict(iter=np.int64(3)), state_dict=source.state_dict())
    state, encoder, report = convert_checkpoint(raw, 'mmseg')
    path = str(tmp_path / 'converted.pth')
    save_converted(state, dict(encoder=encoder), path)
    assert torch.load(path, weights_only=True)['meta']['encoder'] == encoder

    seg = tiny_segmentor(path).backbone.state_dict()
    src = source.backbone.state_dict()
    new = {k for k in seg if k not in state}
    per_block = ('gamma_1', 'gamma_2', 'attn.relative_position_bias_table',
                 'attn.relative_position_index')
    assert new == {
        f'layers.{i}.{name}'
        for i in range(12)
        for name in per_block
    }
    for key, value in state.items():
        assert torch.equal(seg[key], value), key
    for key in src:
        if key.endswith('q_bias'):
            prefix = key[:-len('q_bias')]
            q, v = src[key], src[prefix + 'v_bias']
            expected = torch.cat([q, torch.zeros_like(q), v])
            assert torch.equal(seg[prefix + 'qkv.bias'], expected)
        elif key.endswith('v_bias') or key.startswith('ln1.'):
            continue  # merged above; mmseg's MAE has no final norm
        else:
            assert torch.equal(seg[key], src[key]), key
    tables = [v for k, v in seg.items() if 'bias_table' in k]
    assert all(t.abs().sum() == 0 for t in tables)  # initialised to zero


@torch.no_grad()
def test_mfm_features_survive_the_qv_bias_merge(tmp_path):
    # A zero key bias changes no attention weight: the converted mmseg
    # encoder computes the same features as MFM's (zero relative position
    # bias, LayerScale 1).
    source = pretrained_model('MFM')
    state, _, _ = convert_checkpoint(source.state_dict(), 'mmseg')
    path = str(tmp_path / 'mfm.pth')
    save_converted(state, {}, path)
    seg = tiny_segmentor(path).backbone
    x = torch.randn(2, 3, 64, 64)
    source.backbone.out_indices = [3]
    source.backbone.final_norm = False
    ours = source.backbone(x)[0]  # (N, C, 4, 4) after block 3
    theirs = seg(x)[0]  # mmseg's first output: block 3
    torch.testing.assert_close(theirs, ours, atol=1e-5, rtol=1e-5)


def test_refuses_what_is_not_a_pretraining_checkpoint(tmp_path):
    classifier = {
        'backbone.layers.0.attn.qkv.bias': torch.zeros(3),
        'head.fc.weight': torch.zeros(2)
    }
    with pytest.raises(ValueError, match='not a pre-training checkpoint'):
        convert_checkpoint({'state_dict': {'w': torch.zeros(1)}}, 'mmseg')
    converted, _, _ = convert_checkpoint(
        pretrained_model('PixMIM').state_dict(), 'mmpretrain')
    with pytest.raises(ValueError, match='not a pre-training checkpoint'):
        convert_checkpoint(converted, 'mmseg')  # no decoder any more
    with pytest.raises(ValueError, match='not a pre-training checkpoint'):
        convert_checkpoint(classifier, 'mmseg')
    with pytest.raises(ValueError, match='target'):
        convert_checkpoint(classifier, 'mmdet3')


def convert_tool(monkeypatch, capsys, *args: str) -> Tuple[str, str]:
    """Run ``python tools/convert_checkpoint.py ARGS`` in this process:
    its error message ('' on success) and what it printed."""
    tool = osp.join(ROOT, 'tools', 'convert_checkpoint.py')
    monkeypatch.setattr(sys, 'argv', [tool, *args])
    try:
        runpy.run_path(tool, run_name='__main__')
        error = ''
    except SystemExit as stop:
        error = str(stop.code)
    return error, capsys.readouterr().out


def test_tool_writes_nothing_when_it_refuses(tmp_path, monkeypatch, capsys):
    src, dst = str(tmp_path / 'x.pth'), str(tmp_path / 'out.pth')
    torch.save({'state_dict': {'w': torch.zeros(1)}}, src)
    error, _ = convert_tool(monkeypatch, capsys, src, dst, '--to', 'mmseg')
    assert 'not a pre-training checkpoint' in error
    assert os.listdir(tmp_path) == ['x.pth']


def test_tool_names_a_missing_file(tmp_path, monkeypatch, capsys):
    src = str(tmp_path / 'missing.pth')
    error, _ = convert_tool(monkeypatch, capsys, src,
                            str(tmp_path / 'out.pth'), '--to', 'mmseg')
    assert error == f'convert_checkpoint.py: error: {src}: no such file'
    assert os.listdir(tmp_path) == []


def test_tool_reads_a_raw_training_checkpoint_weights_only(
        tmp_path, monkeypatch, capsys):
    # a raw training checkpoint: numpy scalars next to the weights
    src, dst = str(tmp_path / 'raw.pth'), str(tmp_path / 'out.pth')
    torch.save(
        dict(
            meta=dict(iter=np.int64(3)),
            state_dict=pretrained_model('PixMIM').state_dict()), src)
    error, out = convert_tool(monkeypatch, capsys, src, dst, '--to',
                              'mmpretrain')
    assert error == ''
    assert 'MAEViT encoder' in out
    assert torch.load(dst, weights_only=True)['meta']['encoder'] == 'MAEViT'


def test_tool_unpickles_other_objects_only_with_trust(tmp_path, monkeypatch,
                                                      capsys):
    src, dst = str(tmp_path / 'odd.pth'), str(tmp_path / 'out.pth')
    torch.save(
        dict(
            meta=dict(args=argparse.Namespace(lr=1.0)),
            state_dict=pretrained_model('PixMIM').state_dict()), src)
    error, _ = convert_tool(monkeypatch, capsys, src, dst, '--to',
                            'mmpretrain')
    assert 'rerun with --trust' in error and src in error
    assert not osp.exists(dst)
    error, out = convert_tool(monkeypatch, capsys, src, dst, '--to',
                              'mmpretrain', '--trust')
    assert error == ''
    assert 'MAEViT encoder' in out


@pytest.mark.parametrize('content', [b'', b'not a checkpoint\xff\xfe' * 10])
def test_tool_names_a_file_that_is_no_checkpoint(tmp_path, monkeypatch, capsys,
                                                 content):
    src = tmp_path / 'bad.pth'
    src.write_bytes(content)
    for trust in ([], ['--trust']):
        error, _ = convert_tool(monkeypatch, capsys, str(src),
                                str(tmp_path / 'out.pth'), '--to', 'mmseg',
                                *trust)
        assert error.startswith(f'convert_checkpoint.py: error: {src}: not a')
    assert os.listdir(tmp_path) == ['bad.pth']


def test_tool_names_a_truncated_checkpoint(tmp_path, monkeypatch, capsys):
    full = tmp_path / 'full.pth'
    torch.save(dict(state_dict=pretrained_model('PixMIM').state_dict()), full)
    src = tmp_path / 'cut.pth'
    src.write_bytes(full.read_bytes()[:2000])
    error, _ = convert_tool(monkeypatch, capsys, str(src),
                            str(tmp_path / 'out.pth'), '--to', 'mmseg')
    assert error.startswith(f'convert_checkpoint.py: error: {src}: not a '
                            'readable torch checkpoint')


@pytest.mark.parametrize('name,expected_new,unused', [
    ('vit-base-p16_8xb2048-linear-coslr-90e_in1k.py', set(), set()),
    ('vit-base-p16_8xb128-coslr-100e_in1k.py', {'ln2.weight', 'ln2.bias'
                                                }, {'ln1.weight', 'ln1.bias'}),
])
@pytest.mark.parametrize('converted', [False, True])
def test_classifier_configs_load_the_pixmim_encoder(tmp_path, name,
                                                    expected_new, unused,
                                                    converted):
    source = pretrained_model('PixMIM')
    path = str(tmp_path / 'pixmim.pth')
    if converted:
        state, encoder, _ = convert_checkpoint(source.state_dict(),
                                               'mmpretrain')
        save_converted(state, dict(encoder=encoder), path)
    else:  # the pre-training weights as they are, `backbone.` prefix and all
        torch.save(dict(state_dict=source.state_dict()), path)
    cfg = Config.fromfile(
        osp.join(ROOT, 'configs', 'pixmim', 'benchmarks', name))
    cfg.merge_from_dict({
        'model.backbone.arch': 'deit-tiny',
        'model.backbone.img_size': 64,
        'model.backbone.init_cfg.checkpoint': path,
        'model.head.in_channels': 192,
    })
    if cfg.model.get('neck'):
        cfg.model.neck.input_features = 192
    init_default_scope('mmpretrain')
    model = MODELS.build(cfg.model)
    model.init_weights()
    ours = model.backbone.state_dict()
    src = source.backbone.state_dict()
    assert set(ours) - set(src) == expected_new
    assert set(src) - set(ours) == unused
    for key in set(ours) & set(src):
        assert torch.equal(ours[key], src[key]), key


def test_legacy_format_with_other_objects_asks_for_trust(
        tmp_path, monkeypatch, capsys):
    """OpenMMLab's published files use torch's legacy (non-zip) format: a
    refusal there is weights-only's, not a file that is no checkpoint."""
    src = str(tmp_path / 'legacy.pth')
    torch.save(
        dict(meta=dict(args=argparse.Namespace(lr=1.0))),
        src,
        _use_new_zipfile_serialization=False)
    error, _ = convert_tool(monkeypatch, capsys, src,
                            str(tmp_path / 'out.pth'), '--to', 'mmseg')
    assert 'rerun with --trust' in error
