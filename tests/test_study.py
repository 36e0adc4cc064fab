"""``make study``: its configs, its probe, and a tiny end-to-end run."""
import csv
import os
import subprocess
import sys

import numpy as np
import pytest
import torch
from test_configs import differing_keys

import pixmim_plugin  # noqa: F401
from pixmim_plugin.analysis.linear_probe import linear_probe
from pixmim_plugin.analysis.study import METHODS, study_config, study_scale
from pixmim_plugin.analysis.study_report import run_study, write_report
from pixmim_plugin.analysis.study_runs import run_logged, study_coverage
from pixmim_plugin.datasets.demo_shapes import (write_coco,
                                                write_imagenet_layout)

TINY = dict(
    iters=2,
    batch_size=4,
    scale=study_scale(img_size=16, patch_size=4, embed_dims=32, depth=1))


def keys(a, b, seed_a=0, seed_b=0):
    return differing_keys(
        study_config(a, seed_a, 'w', **TINY),
        study_config(b, seed_b, 'w', **TINY))


def test_methods_differ_only_in_their_change():
    # the crop step (pipeline[1]) and nothing else
    crop = keys('MAE', 'MAE+SRC') - {'experiment_name'}
    assert 'train_dataloader.dataset.pipeline.1.type' in crop
    assert all(
        k.startswith(('train_dataloader.dataset.pipeline.1.',
                      'train_pipeline.1.')) for k in crop)
    lowfreq = keys('MAE', 'MAE+LF') - {'experiment_name'}
    assert lowfreq and all(
        k == 'model.type' or k.startswith('model.target_generator')
        for k in lowfreq)
    assert keys('MAE+SRC', 'PixMIM') - {'experiment_name'} == lowfreq
    # seeds change the seed and nothing else
    assert keys('PixMIM', 'PixMIM', 0,
                1) == {'randomness.seed', 'experiment_name'}


@pytest.mark.parametrize('method', sorted(METHODS))
def test_every_method_gets_the_same_budget(method):
    cfg = study_config(method, 3, 'w', **TINY)
    assert cfg.train_cfg.max_iters == 2
    assert cfg.train_dataloader.batch_size == 4
    assert cfg.optim_wrapper.optimizer.lr == 1e-3
    assert cfg.model.backbone.img_size == 16
    assert cfg.model.backbone.arch['embed_dims'] == 32
    assert cfg.randomness.seed == 3


def test_bad_method():
    with pytest.raises(ValueError, match='method'):
        study_config('BEiT', 0, 'w')


def test_probe_separates_separable_classes(rng):
    centres = rng.normal(0, 5, (4, 10))
    y = torch.from_numpy(rng.integers(0, 4, 200))
    x = torch.from_numpy(centres[y] + rng.normal(0, 0.5, (200, 10)))
    assert linear_probe(x[:100], y[:100], x[100:], y[100:]) == 100.0
    # features that carry no label: about chance
    noise = torch.from_numpy(rng.normal(0, 1, (200, 10)))
    assert linear_probe(noise[:100], y[:100], noise[100:], y[100:]) < 50


def test_tiny_study_end_to_end(tmp_path):
    data = tmp_path / 'shapes'
    for split in ('train', 'val'):
        write_imagenet_layout(str(data), split, per_class=1)
    write_coco(str(tmp_path / 'coco'), 'val', 1)
    out = str(tmp_path / 'study')
    methods = ['MAE', 'PixMIM', 'MFM']
    run_study(
        out,
        methods,
        seeds=[0],
        data_root=str(data),
        band_width=4,
        psnr_images=4,
        **TINY)
    coverage = study_coverage(
        str(tmp_path / 'coco' / 'annotations' / 'instances_val.json'),
        str(tmp_path / 'coco' / 'images' / 'val'), 2, **TINY)
    text = write_report(out, methods, dict(iters=2), coverage)
    for name in ['random init', *methods, 'RRC', 'SRC']:
        assert f'| {name} |' in text
    with open(tmp_path / 'study' / 'study.csv') as f:
        rows = list(csv.DictReader(f))
    assert sorted(r['method']
                  for r in rows) == sorted(['random init', *methods])
    assert all(0 <= float(r['probe']) <= 100 for r in rows)
    assert np.isfinite([float(r['psnr_band0']) for r in rows]).all()
    assert (tmp_path / 'study' / 'band_psnr.png').stat().st_size > 0
    assert (tmp_path / 'study' / 'report.md').read_text() == text
    # another budget is not mixed into these results
    with pytest.raises(ValueError, match='iters differ'):
        run_study(
            out,
            methods,
            seeds=[1],
            data_root=str(data),
            psnr_images=4,
            **dict(TINY, iters=3))
    with pytest.raises(ValueError, match='jobs'):
        run_study(
            out, methods, jobs=0, data_root=str(data), psnr_images=4, **TINY)


def test_failed_run_is_reported_not_raised(tmp_path, capfd):
    log = tmp_path / 'logs' / 'run.log'
    result, error = run_logged(
        dict(
            method='BEiT',
            seed=0,
            out_dir=str(tmp_path),
            band_width=4,
            log=str(log)))
    assert result == dict(method='BEiT', seed=0)
    assert 'method must be one of' in error
    assert 'method must be one of' in log.read_text()
    # the console is the console again
    print('after the run')
    assert 'after the run' in capfd.readouterr().out


def test_study_tool_in_two_worker_processes(tmp_path):
    data = tmp_path / 'shapes'
    for split in ('train', 'val'):
        write_imagenet_layout(str(data), split, per_class=1)
    write_coco(str(tmp_path / 'coco'), 'val', 1)
    out = tmp_path / 'study'
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    args = [
        '--out', out, '--methods', 'MAE', 'MFM', '--seeds', '1', '--iters',
        '2', '--batch-size', '4', '--img-size', '16', '--embed-dims', '32',
        '--depth', '1', '--data-root', data, '--psnr-images', '4',
        '--coverage-ann', tmp_path / 'coco/annotations/instances_val.json',
        '--coverage-samples', '2', '--jobs', '2'
    ]
    proc = subprocess.run(
        [sys.executable, 'tools/analysis/study.py', *map(str, args)],
        cwd=root,
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=root))
    assert proc.returncode == 0, proc.stderr
    assert '3 runs, 2 at a time' in proc.stdout
    assert '3/3' in proc.stdout  # the progress bar
    assert 'failed' not in proc.stdout
    assert sorted(os.listdir(out / 'logs')) == [
        'MAE_seed0.log', 'MFM_seed0.log', 'random_init_seed0.log'
    ]
    assert 'Iter(train) [2/2]' in (out / 'logs' / 'MAE_seed0.log').read_text()
    assert '| MFM |' in (out / 'report.md').read_text()
