"""``make study``: its configs, its probe, and a tiny end-to-end run."""
import csv
import json
import os
import subprocess
import sys

import numpy as np
import pytest
import torch
from helpers import differing_keys

import pixmim_plugin  # noqa: F401
from pixmim_plugin.analysis.linear_probe import linear_probe
from pixmim_plugin.analysis.study import (METHODS, Run, RunResult, run_logged,
                                          run_study, study_config,
                                          study_coverage, study_scale,
                                          write_report)
from pixmim_plugin.demo.shapes import write_coco, write_imagenet_layout

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


def test_run_names_have_no_spaces_and_tell_runs_apart():
    runs = [Run(m, s) for m in METHODS for s in (0, 1)]
    runs += [Run('MAE', s, floor=True) for s in (0, 1)]
    names = [run.name for run in runs]
    assert len(set(names)) == len(names)
    assert all(' ' not in n and '+' not in n for n in names)
    assert Run('MAE+SRC', 0).name == 'mae_src_seed0'
    assert Run('MAE', 1, floor=True).name == 'floor_seed1'
    assert Run('MAE', 1, floor=True).label == 'random init'
    assert Run('MAE+SRC', 0).label == 'MAE+SRC'


def _result(run, probe=50.):
    return RunResult(run, probe, [20., 30.], [0., 4., 8.], 1.5)


def test_result_round_trips_through_json():
    result = _result(Run('MAE', 2, floor=True))
    record = json.loads(json.dumps(result.to_json()))
    assert record['floor'] is True and record['method'] == 'MAE'
    assert RunResult.from_json(record) == result
    # a results file of an older version is refused, not misread
    old = dict(
        method='random init',
        seed=0,
        probe=1.,
        band_psnr=[],
        band_edges=[],
        train_s=1.)
    with pytest.raises(ValueError, match='train_s'):
        RunResult.from_json(old)


def test_report_puts_the_floor_first_and_averages_seeds(tmp_path):
    os.makedirs(tmp_path / 'results')
    results = [
        _result(Run('PixMIM', 0), 40.),
        _result(Run('PixMIM', 1), 60.),
        _result(Run('MAE', 0, floor=True), 10.),
        _result(Run('MFM', 0))
    ]
    for r in results:
        with open(tmp_path / 'results' / f'{r.run.name}.json', 'w') as f:
            json.dump(r.to_json(), f)
    text = write_report(str(tmp_path), ['PixMIM'], dict(iters=2))
    rows = [line for line in text.splitlines() if line.startswith('| ')]
    assert rows[1].startswith('| random init | 1 | 10.00 +- 0.00 |')
    assert rows[2].startswith('| PixMIM | 2 | 50.00 +- 14.14 |')
    assert len(rows) == 3  # MFM's run is not asked for
    with open(tmp_path / 'results' / 'old.json', 'w') as f:
        json.dump(dict(method='random init', seed=0), f)
    with pytest.raises(ValueError, match='old.json'):
        write_report(str(tmp_path), ['PixMIM'], dict(iters=2))


def test_study_coverage_is_the_papers_per_image_measure(tmp_path):
    content = write_coco(str(tmp_path / 'coco'), 'val', 3)
    ann = str(tmp_path / 'coco' / 'annotations' / 'instances_val.json')
    images = str(tmp_path / 'coco' / 'images' / 'val')
    per_image = study_coverage(ann, images, 2, **TINY)
    assert [c['crop'] for c in per_image] == ['rrc', 'src']
    assert per_image[0]['unit'] == 'image'
    assert per_image[0]['units'] == len(
        {a['image_id']
         for a in content['annotations']})
    per_object = study_coverage(ann, images, 2, per_instance=True, **TINY)
    assert per_object[0]['unit'] == 'object'
    assert per_object[0]['units'] == len(content['annotations'])
    os.makedirs(tmp_path / 'results')
    result = _result(Run('MAE', 0), 40.)
    with open(tmp_path / 'results' / f'{result.run.name}.json', 'w') as f:
        json.dump(result.to_json(), f)
    text = write_report(str(tmp_path), ['MAE'], dict(iters=2), per_image)
    assert "2 crops each, averaged first): each image's foreground" in text


@pytest.mark.training
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
    assert sorted(os.listdir(tmp_path / 'study' / 'results')) == [
        'floor_seed0.json', 'mae_seed0.json', 'mfm_seed0.json',
        'pixmim_seed0.json'
    ]
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
    run, result, error = run_logged(
        dict(
            run=Run('BEiT', 0),
            out_dir=str(tmp_path),
            band_width=4,
            log=str(log)))
    assert run == Run('BEiT', 0) and result is None
    assert 'method must be one of' in error
    assert 'method must be one of' in log.read_text()
    # the console is the console again
    print('after the run')
    assert 'after the run' in capfd.readouterr().out


@pytest.mark.training
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
        'floor_seed0.log', 'mae_seed0.log', 'mfm_seed0.log'
    ]
    assert 'Iter(train) [2/2]' in (out / 'logs' / 'mae_seed0.log').read_text()
    assert '| MFM |' in (out / 'report.md').read_text()
