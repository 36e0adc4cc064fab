"""One run of ``make study``: its model (pre-trained, reused from a
finished run, or the untrained floor), its evaluation, and the worker-side
half of the driver (evaluation data loaded once per process, console output
to the run's log, a failure reported rather than raised)."""
import contextlib
import json
import os
import os.path as osp
import sys
import time
import traceback
from typing import Dict, Optional, Tuple

import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner import Runner
from mmpretrain.registry import MODELS, RUNNERS

from pixmim_plugin.analysis.frequency_psnr import reconstruction_band_psnr
from pixmim_plugin.analysis.linear_probe import (encoder_features,
                                                 linear_probe,
                                                 load_object_crops, load_split)
from pixmim_plugin.analysis.study.configs import study_config
from pixmim_plugin.analysis.study.record import Run, RunResult
from pixmim_plugin.checkpoint import load_checkpoint
from pixmim_plugin.frequency import band_edges


def pretrain(cfg: Config) -> torch.nn.Module:
    """Train ``cfg`` with its runner (``runner_type``, else mmengine's
    Runner), as mmpretrain's ``tools/train.py`` does; the trained model in
    eval mode."""
    if 'runner_type' in cfg:
        runner = RUNNERS.build(cfg)
    else:
        runner = Runner.from_cfg(cfg)
    return runner.train().eval()


def random_init(cfg: Config, seed: int) -> torch.nn.Module:
    """``cfg``'s model initialised as the Runner does, untrained (the
    probe's floor)."""
    init_default_scope('mmpretrain')
    torch.manual_seed(seed)
    model = cfg.model.copy()
    model.setdefault('data_preprocessor', cfg.get('data_preprocessor'))
    model = MODELS.build(model)
    model.init_weights()
    return model.eval()


def load_trained(cfg: Config, work_dir: str) -> Optional[torch.nn.Module]:
    """The model of a finished run in ``work_dir`` (its last checkpoint,
    saved at ``max_iters``), or None."""
    path = osp.join(work_dir, f'iter_{cfg.train_cfg.max_iters}.pth')
    if not osp.exists(path):
        return None
    model = random_init(cfg, 0)
    state = load_checkpoint(path)
    model.load_state_dict(state['state_dict'])
    if torch.cuda.is_available():
        model = model.cuda()
    return model.eval()


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
    """Linear-probe accuracy (%) and the mean band PSNR (dB) per band:
    the ``probe``, ``band_psnr`` and ``band_edges`` of a
    :class:`~.record.RunResult`."""
    acc = linear_probe(
        encoder_features(model, data['train_x']), data['train_y'],
        encoder_features(model, data['val_x']), data['val_y'])
    images = data['psnr_images']
    edges = band_edges(tuple(images.shape[-2:]), band_width)
    psnr = reconstruction_band_psnr(model, images, edges, 255., mask_seed)
    return dict(
        probe=acc, band_psnr=psnr.mean(0).tolist(), band_edges=list(edges))


def run_one(run: Run, out_dir: str, data: Dict[str, torch.Tensor],
            band_width: float, **config_kwargs) -> RunResult:
    """Pre-train (or reuse a finished run in ``out_dir/runs/<run.name>``)
    or, for the floor, initialise ``run``'s model, evaluate it and write
    ``out_dir/results/<run.name>.json``.

    Args:
        run (Run): The run.
        out_dir (str): The study's output folder.
        data (dict): :func:`load_eval_data`'s output.
        band_width (float): Band width of the band PSNR, in bins.
        **config_kwargs: :func:`~.configs.study_config` arguments.

    Returns:
        RunResult: What the results file holds.
    """
    work_dir = osp.join(out_dir, 'runs', run.name)
    start = time.time()
    cfg = study_config(run.method, run.seed, work_dir, **config_kwargs)
    if run.floor:
        model = random_init(cfg, run.seed)
    else:
        model = load_trained(cfg, work_dir)
        if model is None:
            model = pretrain(cfg)
    train_seconds = round(time.time() - start, 1)
    result = RunResult(
        run=run,
        train_seconds=train_seconds,
        **evaluate(model, data, band_width, mask_seed=run.seed))
    os.makedirs(osp.join(out_dir, 'results'), exist_ok=True)
    with open(osp.join(out_dir, 'results', f'{run.name}.json'), 'w') as f:
        json.dump(result.to_json(), f)
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


def run_logged(task: dict) -> Tuple[Run, Optional[RunResult], Optional[str]]:
    """:func:`run_one` of ``task`` (its arguments but ``data``, plus
    ``log``: where the run's console output goes) with the data of
    :func:`init_worker`.

    Returns:
        tuple: The run, its result (None when it failed) and the error's
        traceback (None when it did not).
    """
    task = dict(task)
    log = task.pop('log')
    with _output_to(log):
        try:
            return task['run'], run_one(data=_EVAL_DATA, **task), None
        except Exception:  # reported by the driver, the other runs go on
            error = traceback.format_exc()
            os.write(2, error.encode())
    return task['run'], None, error
