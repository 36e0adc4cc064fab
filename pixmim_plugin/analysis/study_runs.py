"""The runs of ``make study`` and their evaluation; see
:mod:`pixmim_plugin.analysis.study` for the configs and
:mod:`pixmim_plugin.analysis.study_report` for the report."""
import contextlib
import json
import os
import os.path as osp
import sys
import time
import traceback
from typing import Dict, Optional, Sequence, Tuple

import numpy as np
import torch

from pixmim_plugin.analysis.frequency_psnr import reconstruction_band_psnr
from pixmim_plugin.analysis.linear_probe import (encoder_features,
                                                 linear_probe,
                                                 load_object_crops, load_split)
from pixmim_plugin.analysis.study import (load_trained, pretrain, random_init,
                                          study_config)
from pixmim_plugin.frequency import band_edges

FLOOR = 'random init'


def load_eval_data(data_root: str, img_size: int,
                   psnr_images: int) -> Dict[str, torch.Tensor]:
    """The probe's object crops (train and val) and the band-PSNR images
    (the first ``psnr_images`` of val, shorter edge resized and centre
    cropped), all at ``img_size``, 0-255."""
    train_x, train_y = load_object_crops(data_root, 'train', img_size)
    val_x, val_y = load_object_crops(data_root, 'val', img_size)
    images, _ = load_split(data_root, 'val', img_size)
    step = max(1, len(images) // psnr_images)  # every class, not the first
    return dict(
        train_x=train_x,
        train_y=train_y,
        val_x=val_x,
        val_y=val_y,
        psnr_images=images[::step][:psnr_images])


def evaluate(model: torch.nn.Module, data: Dict[str, torch.Tensor],
             band_width: float, mask_seed: int) -> dict:
    """Linear-probe accuracy (%) and the mean band PSNR (dB) per band."""
    acc = linear_probe(
        encoder_features(model, data['train_x']), data['train_y'],
        encoder_features(model, data['val_x']), data['val_y'])
    images = data['psnr_images']
    edges = band_edges(tuple(images.shape[-2:]), band_width)
    psnr = reconstruction_band_psnr(model, images, edges, 255., mask_seed)
    return dict(
        probe=acc, band_psnr=psnr.mean(0).tolist(), band_edges=list(edges))


def run_one(method: str, seed: int, out_dir: str, data: Dict[str,
                                                             torch.Tensor],
            band_width: float, **config_kwargs) -> dict:
    """Pre-train (or reuse a finished run of) ``method`` with ``seed``,
    evaluate it and write ``out_dir/results/<method>_seed<seed>.json``.

    Returns:
        dict: ``method``, ``seed``, ``probe``, ``band_psnr``,
        ``band_edges``, ``train_s``.
    """
    name = method.replace('+', '_')
    work_dir = osp.join(out_dir, 'runs', f'{name}_seed{seed}')
    start = time.time()
    if method == FLOOR:
        model = random_init(
            study_config('MAE', seed, work_dir, **config_kwargs), seed)
    else:
        cfg = study_config(method, seed, work_dir, **config_kwargs)
        model = load_trained(cfg, work_dir)
        if model is None:
            model = pretrain(cfg)
    train_s = time.time() - start
    result = dict(method=method, seed=seed, train_s=round(train_s, 1))
    result.update(evaluate(model, data, band_width, mask_seed=seed))
    os.makedirs(osp.join(out_dir, 'results'), exist_ok=True)
    with open(osp.join(out_dir, 'results', f'{name}_seed{seed}.json'),
              'w') as f:
        json.dump(result, f)
    return result


# the evaluation data of this process (a study worker), set by init_worker
_EVAL_DATA: Dict[str, torch.Tensor] = {}


def init_worker(threads: int, data_root: str, img_size: int,
                psnr_images: int) -> None:
    """Prepare a process for :func:`run_logged`: its torch threads (0 keeps
    torch's default) and the evaluation data, loaded once per process."""
    if threads:
        torch.set_num_threads(threads)
    _EVAL_DATA.update(load_eval_data(data_root, img_size, psnr_images))


@contextlib.contextmanager
def _output_to(path: str):
    """Send this process's stdout and stderr (file descriptors, so that
    mmengine's log handlers follow) to ``path``."""
    os.makedirs(osp.dirname(path) or '.', exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with open(path, 'w') as log:
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
        try:
            yield
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


def run_logged(task: dict) -> Tuple[dict, Optional[str]]:
    """:func:`run_one` of ``task`` (its arguments but ``data``, plus
    ``log``: where the run's console output goes) with the data of
    :func:`init_worker`.

    Returns:
        tuple: The result (or just ``method`` and ``seed`` when the run
        failed) and the error's traceback or None.
    """
    task = dict(task)
    log = task.pop('log')
    with _output_to(log):
        try:
            return run_one(data=_EVAL_DATA, **task), None
        except Exception:  # reported by the driver, the other runs go on
            error = traceback.format_exc()
            os.write(2, error.encode())
    return dict(method=task['method'], seed=task['seed']), error


def load_results(out_dir: str) -> list:
    """Every ``results/*.json`` of ``out_dir``."""
    folder = osp.join(out_dir, 'results')
    if not osp.isdir(folder):
        return []
    results = []
    for file in sorted(os.listdir(folder)):
        with open(osp.join(folder, file)) as f:
            results.append(json.load(f))
    return results


def summarise(results: Sequence[dict], methods: Sequence[str]) -> list:
    """Per method: probe accuracy and per-band PSNR, mean and standard
    deviation over seeds (ddof 1; 0 for one seed)."""
    rows = []
    for method in methods:
        runs = [r for r in results if r['method'] == method]
        if not runs:
            continue
        acc = np.array([r['probe'] for r in runs])
        psnr = np.array([r['band_psnr'] for r in runs])  # (seeds, bands)
        ddof = 1 if len(runs) > 1 else 0
        rows.append(
            dict(
                method=method,
                seeds=len(runs),
                probe=acc.mean(),
                probe_std=acc.std(ddof=ddof),
                band_psnr=psnr.mean(0),
                band_psnr_std=psnr.std(0, ddof=ddof),
                band_edges=runs[0]['band_edges'],
                train_s=np.mean([r['train_s'] for r in runs])))
    return rows


def study_coverage(ann_file: str, img_root: str, samples: int,
                   **config_kwargs) -> list:
    """Object coverage (:mod:`~pixmim_plugin.analysis.object_coverage`) of
    the study's two training crops (MAE's RandomResizedCrop and PixMIM's
    SimpleResizedCrop at the study's size) on a COCO-format set, with the
    study's patch size and a 75% mask."""
    from mmpretrain.registry import TRANSFORMS

    from pixmim_plugin.analysis.coverage_report import load_coco_objects
    from pixmim_plugin.analysis.object_coverage import measure
    from pixmim_plugin.analysis.object_coverage import \
        summarise as summarise_coverage
    crops = {}
    for kind, method in (('rrc', 'MAE'), ('src', 'MAE+SRC')):
        cfg = study_config(method, 0, '', **config_kwargs)
        (step, ) = [
            s for s in cfg.train_dataloader.dataset.pipeline
            if 'Crop' in s['type']
        ]
        crops[kind] = [TRANSFORMS.build(step)]
    patch = cfg.model.backbone.patch_size
    objects = load_coco_objects(ann_file, img_root)
    rows = measure(objects, crops, patch, 0.75, samples, progress=False)
    return summarise_coverage(rows)
