"""End-to-end runs of the demo config through `mim train` (a few iterations
each): single process with resume, and two gloo processes through mmengine's
pytorch launcher."""
import glob
import os
import os.path as osp
import subprocess
import sys

import pytest
import torch

from pixmim_plugin.datasets.demo_shapes import write_imagenet_layout

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
MIM = osp.join(osp.dirname(sys.executable), 'mim')
CONFIG = osp.join(ROOT, 'configs', 'demo', 'pixmim_vit-tiny-p8_shapes.py')


@pytest.fixture(scope='module')
def data_root(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('shapes'))
    write_imagenet_layout(root, 'train', per_class=4)
    write_imagenet_layout(root, 'val', per_class=1)
    return root


def mim_train(work_dir, data_root, max_iters, *extra, gpus=None):
    cmd = [MIM, 'train', 'mmpretrain', CONFIG, '--work-dir', work_dir]
    if gpus:
        cmd += ['--launcher', 'pytorch', '--gpus', str(gpus)]
    cmd += [
        '--cfg-options', f'train_cfg.max_iters={max_iters}',
        f'train_dataloader.dataset.data_root={data_root}',
        'train_dataloader.batch_size=4', 'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False',
        'default_hooks.checkpoint.interval=2',
        'default_hooks.logger.interval=1', *extra
    ]
    env = dict(os.environ, OMP_NUM_THREADS='1', PYTHONUNBUFFERED='1')
    proc = subprocess.run(
        cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-5000:]
    return log


def load_trusted(path):
    return torch.load(path, map_location='cpu', weights_only=False)


def test_train_then_resume(tmp_path, data_root):
    work_dir = str(tmp_path)
    mim_train(work_dir, data_root, 4)
    first = load_trusted(osp.join(work_dir, 'iter_4.pth'))
    assert first['meta']['iter'] == 4

    # The stock configs set `resume = True`: a longer run picks up the last
    # checkpoint of the work_dir. Without the plugin's policy torch >= 2.6
    # refuses to unpickle it.
    log = mim_train(work_dir, data_root, 6)
    assert 'resumed epoch: 0, iter: 4' in log
    second = load_trusted(osp.join(work_dir, 'iter_6.pth'))
    assert second['meta']['iter'] == 6
    assert 'loss' in log and 'nan' not in log.split('Iter(train)')[-1]


def test_two_process_gloo_run(tmp_path, data_root):
    work_dir = str(tmp_path)
    log = mim_train(work_dir, data_root, 2, gpus=2)
    assert 'Distributed launcher: pytorch' in log
    assert 'Distributed training: True' in log
    assert 'GPU number: 2' in log  # mmengine's name for the world size
    ckpt = load_trusted(osp.join(work_dir, 'iter_2.pth'))
    assert ckpt['meta']['iter'] == 2
    assert glob.glob(osp.join(work_dir, '*', '*.log'))
