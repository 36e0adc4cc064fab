"""`make demo-robustness`'s tool end to end on a tiny demo set, and
checkpoints whose head does not fit the benchmark."""
import json
import os
import os.path as osp
import runpy
import sys

import pytest
import torch
from mmengine.config import Config
from mmpretrain.registry import MODELS

from pixmim_plugin.datasets.cue_conflict import CUE_CONFLICT_CATEGORIES
from pixmim_plugin.demo.robustness import evaluate
from pixmim_plugin.demo.robustness_sets import (write_cue_conflict,
                                                write_imagenet_c)
from pixmim_plugin.demo.shapes import write_imagenet_layout

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
DEMO_FT = osp.join(ROOT,
                   'configs/demo/vit-mini-p4_1xb32-900it_shapes-objects.py')
FAST = {'test_dataloader.num_workers': 0, 'test_dataloader.batch_size': 64}


def demo_checkpoint(path: str, raw: bool = False) -> str:
    """The demo fine-tuning model (8-way ViT-mini) with random weights;
    ``raw``: with logger state as a training run saves it (refused by
    weights-only loading)."""
    from mmengine.logging import HistoryBuffer
    torch.manual_seed(0)
    model = MODELS.build(Config.fromfile(DEMO_FT).model)
    extra = dict(message_hub=dict(log_scalars=dict(
        loss=HistoryBuffer()))) if raw else {}
    torch.save(dict(state_dict=model.state_dict(), meta={}, **extra), path)
    return path


def test_demo_robustness_tool(tmp_path, monkeypatch, capsys):
    data = tmp_path / 'data'
    write_imagenet_layout(str(data / 'shapes'), 'val', 1)
    write_imagenet_c(
        str(data / 'shapes' / 'val'), str(data / 'imagenet-c'), per_class=1)
    write_cue_conflict(str(data / 'cue-conflict'), per_pair=1)
    ckpt = demo_checkpoint(str(tmp_path / 'ft.pth'), raw=True)
    out = tmp_path / 'out'
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(sys, 'argv', [
        'demo_robustness.py', ckpt, '--texture', ckpt, '--out',
        str(out), '--data-root',
        str(data), '--trust', '--cfg-options', 'test_dataloader.num_workers=0'
    ])
    runpy.run_path(
        osp.join(ROOT, 'tools/demo_robustness.py'), run_name='__main__')
    table = capsys.readouterr().out
    metrics = json.loads((out / 'metrics.json').read_text())
    c = metrics['corruption']['shape-labelled']
    severity = [c[f'imagenet-c/error/severity_{s}'] for s in range(1, 6)]
    # 8 images per (corruption, severity), means over 15 corruptions:
    # multiples of 1 / 120
    assert all(abs(e * 1.2 - round(e * 1.2)) < 1e-6 for e in severity)
    assert c['imagenet-c/mean_error'] == pytest.approx(sum(severity) / 5)
    # chance-level reference: CE = error / 87.5 %
    assert c['imagenet-c/CE/fog'] == pytest.approx(c['imagenet-c/error/fog'] /
                                                   0.875)
    shape = metrics['shape']
    assert shape['shape-labelled'] == shape['texture-labelled']
    assert shape['shape-labelled']['cue-conflict/num'] == 8 * 7
    assert '| shape-labelled |' in table and '| texture-labelled |' in table
    assert table.splitlines()[-1].split('|')[2].strip() == '-'  # no mCE


@pytest.mark.parametrize('benchmark,folders', [
    ('imagenet-a', None),
    ('cue-conflict', CUE_CONFLICT_CATEGORIES),
])
def test_head_not_1000_way_is_refused(benchmark, folders, tmp_path):
    """An 8-way demo checkpoint on a 1000-class benchmark: mmengine would
    load it with a warning and a random head; the config's HeadCheckHook
    names the checkpoint and both counts."""
    from pixmim_plugin.datasets.wnids import IMAGENET_A_WNIDS
    for folder in folders or IMAGENET_A_WNIDS:
        os.makedirs(tmp_path / 'data' / folder)
        # never read: the hook refuses the checkpoint before
        open(tmp_path / 'data' / folder / f'{folder}1-bear1.png', 'w').close()
    ckpt = demo_checkpoint(str(tmp_path / 'ft.pth'))
    config = osp.join(
        ROOT, f'configs/robustness/vit-base-p16_8xb128-coslr-100e_'
        f'{benchmark}.py')
    tiny = {  # a ViT-tiny with the benchmark's 1000-way head
        'model.backbone.arch': 'deit-tiny',
        'model.backbone.img_size': 64,
        'model.backbone.patch_size': 8,
        'model.head.in_channels': 192,
        'test_dataloader.dataset.data_root': str(tmp_path / 'data'),
        **FAST
    }
    with pytest.raises(
            ValueError,
            match=f'checkpoint {ckpt}: head.fc.weight has shape '
            r'\(8, 128\), a 1000-way head of shape \(1000, 192\).*1000 '
            'classes, the checkpoint 8'):
        evaluate(config, ckpt, str(tmp_path / 'work'), tiny)
