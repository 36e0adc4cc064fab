"""The demo chain's two runs per protocol: the random-init run builds its
encoder without a checkpoint, and tools/print_metrics.py sets the two runs
side by side."""
import json
import os
import os.path as osp
import subprocess
import sys

import pytest
import torch
from helpers import ROOT, load_config

PROTOCOLS = {
    'mmpretrain': [
        'vit-mini-p4_1xb32-linear-500it_shapes-objects.py',
        'vit-mini-p4_1xb32-900it_shapes-objects.py'
    ],
    'mmdet': ['mask-rcnn_vit-mini-p4_sfp_1xb4-60it_coco-shapes.py'],
    'mmseg': ['upernet_vit-mini-p4_1xb8-40it_ade-shapes-64x64.py'],
}
TOOL = osp.join(ROOT, 'tools', 'print_metrics.py')


@pytest.mark.parametrize('scope,config',
                         [(scope, config)
                          for scope, configs in PROTOCOLS.items()
                          for config in configs])
def test_random_init_option_builds_the_encoder_untrained(scope, config):
    """`--cfg-options model.backbone.init_cfg=None` (what `make
    demo-transfer` passes) leaves the encoder at its own initialisation,
    the same for the same seed."""
    from mmengine.config import DictAction
    from mmengine.registry import MODELS, DefaultScope
    from mmengine.runner import set_random_seed
    cfg = load_config(osp.join('configs', 'demo', config))
    option = DictAction._parse_iterable('None')  # as the command line does
    cfg.merge_from_dict({'model.backbone.init_cfg': option})
    assert cfg.model.backbone.init_cfg is None
    states = []
    for _ in range(2):
        set_random_seed(0)
        with DefaultScope.overwrite_default_scope(scope):
            model = MODELS.build(cfg.model)
            model.init_weights()  # would fail on the configs' empty path
        states.append(model.backbone.state_dict())
    for key, value in states[0].items():
        assert torch.equal(value, states[1][key]), key
    weight = next(v for k, v in states[0].items() if 'qkv.weight' in k)
    assert 0 < weight.std() < 1  # initialised, not zeros


def write_run(work_dir, metrics, model):
    vis = osp.join(work_dir, '20260101_000000', 'vis_data')
    os.makedirs(vis)
    with open(osp.join(vis, 'scalars.json'), 'w') as f:
        f.write(json.dumps({'loss': 2.0, 'step': 1}) + '\n')
        f.write(json.dumps(dict(metrics, step=2)) + '\n')
    with open(osp.join(vis, 'config.py'), 'w') as f:
        f.write(f'model = {model!r}\n')


def test_table_of_pretrained_and_random_init_runs(tmp_path):
    classifier = dict(
        type='ImageClassifier',
        backbone=dict(type='VisionTransformer'),
        head=dict(num_classes=8))
    linear = dict(classifier, backbone=dict(frozen_stages=12))
    runs = {
        'linear': ({
            'accuracy/top1': 30.0
        }, {
            'accuracy/top1': 20.5
        }, linear),
        'ft': ({
            'accuracy/top1': 40.25
        }, {
            'accuracy/top1': 45.0
        }, classifier),
        'det': ({
            'coco/bbox_mAP': 0.125,
            'coco/segm_mAP': 0.25
        }, {
            'coco/bbox_mAP': 0.0,
            'coco/segm_mAP': 0.5
        }, dict(type='MaskRCNN')),
        'ade': ({
            'mIoU': 12.0
        }, {
            'mIoU': 10.0
        }, dict(type='EncoderDecoder', decode_head=dict(type='UPerHead'))),
    }
    for name, (pre, rand, model) in runs.items():
        write_run(str(tmp_path / name), pre, model)
        write_run(str(tmp_path / f'{name}_random'), rand, model)
    names = list(runs)
    proc = subprocess.run([
        sys.executable, TOOL, *[str(tmp_path / n) for n in names],
        '--random-init', *[str(tmp_path / f'{n}_random') for n in names]
    ],
                          capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        '| protocol | metric | pre-trained | random init | difference | '
        'chance |',
        '| --- | --- | --- | --- | --- | --- |',
        '| linear probe | top-1 (%) | 30.0 | 20.5 | +9.5 | 12.5 |',
        '| fine-tuning | top-1 (%) | 40.2 | 45.0 | -4.8 | 12.5 |',
        '| Mask R-CNN | box AP | 12.5 | 0.0 | +12.5 | - |',
        '| Mask R-CNN | mask AP | 25.0 | 50.0 | -25.0 | - |',
        '| UperNet | mIoU (%) | 12.0 | 10.0 | +2.0 | - |',
    ]


def test_table_refuses_a_run_without_evaluation(tmp_path):
    write_run(
        str(tmp_path / 'a'), {'accuracy/top1': 30.0},
        dict(type='ImageClassifier', head=dict(num_classes=8)))
    os.makedirs(tmp_path / 'b')
    proc = subprocess.run([
        sys.executable, TOOL,
        str(tmp_path / 'a'), '--random-init',
        str(tmp_path / 'b')
    ],
                          capture_output=True,
                          text=True)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        f'print_metrics.py: error: {tmp_path / "b"}: no evaluation logged'
    ]
