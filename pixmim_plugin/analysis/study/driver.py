"""``make study``'s driver: every (method, seed) run and the floor's, in
this process or in parallel subprocesses, then the report."""
import contextlib
import json
import multiprocessing as mp
import os
import os.path as osp
from typing import Optional, Sequence

from mmengine.utils import ProgressBar

from pixmim_plugin.analysis.study.configs import (FLOOR_METHOD, METHODS,
                                                  study_scale)
from pixmim_plugin.analysis.study.record import Run
from pixmim_plugin.analysis.study.report import (coverage_for_report,
                                                 load_results, report_settings,
                                                 write_report)
from pixmim_plugin.analysis.study.runs import init_worker, run_logged


def _cost(run: Run) -> int:
    """Relative cost of a run, to start the longest first so that parallel
    workers end together (MFM's encoder sees every patch, MAE's a quarter;
    the floor is not trained)."""
    if run.floor:
        return 0
    return 2 if run.method == 'MFM' else 1


def _check_settings(out_dir: str, settings: dict) -> None:
    """Record the study's settings in ``out_dir/settings.json``, or refuse
    to add runs of other settings to the results already there."""
    path = osp.join(out_dir, 'settings.json')
    settings = json.loads(json.dumps(settings))  # tuples -> lists
    if osp.exists(path):
        with open(path) as f:
            kept = json.load(f)
        if kept != settings:
            changed = sorted(k for k in {*kept, *settings}
                             if kept.get(k) != settings.get(k))
            raise ValueError(
                f'{out_dir} holds a study with other settings '
                f'({", ".join(changed)} differ): choose another output '
                f'folder or remove it')
        return
    os.makedirs(out_dir, exist_ok=True)
    with open(path, 'w') as f:
        json.dump(settings, f, indent=1)


def run_study(out_dir: str,
              methods: Sequence[str] = tuple(METHODS),
              seeds: Sequence[int] = (0, 1, 2),
              jobs: int = 1,
              data_root: str = 'data/demo/shapes',
              band_width: float = 4,
              psnr_images: int = 64,
              **config_kwargs) -> None:
    """Run what ``out_dir/results`` lacks: each method and the random-init
    floor for each seed, with a progress bar; each run's console output
    goes to ``out_dir/logs/<run.name>.log``. The settings are kept in
    ``out_dir/settings.json``; a call with other settings on the same
    folder raises ``ValueError`` rather than mix the two.

    Args:
        out_dir (str): Output folder (``runs/``, ``results/``, ``logs/``).
        methods (Sequence[str]): Keys of :data:`~.configs.METHODS`.
        seeds (Sequence[int]): One run per method and seed.
        jobs (int): Runs at a time. 1 runs them in this process; more
            start that many worker processes, each with its share of the
            CPU cores as torch threads.
        data_root (str): The demo shapes set (ImageNet layout with
            ``meta/<split>_objects.json``).
        band_width (float): Band width of the band PSNR, in bins.
        psnr_images (int): Validation images for the band PSNR.
        **config_kwargs: :func:`~.configs.study_config` arguments
            (``iters``, ``batch_size``, ``lr``, ``scale``, ...).
    """
    if jobs < 1:
        raise ValueError(f'jobs must be >= 1, got {jobs}')
    _check_settings(
        out_dir,
        dict(
            data_root=data_root,
            band_width=band_width,
            psnr_images=psnr_images,
            **config_kwargs))
    done = {r.run for r in load_results(out_dir)}
    todo = [
        run for s in seeds
        for run in (Run(FLOOR_METHOD, s, floor=True), *(Run(m, s)
                                                        for m in methods))
        if run not in done
    ]
    if not todo:
        return
    todo.sort(key=lambda run: -_cost(run))
    tasks = [
        dict(
            run=run,
            out_dir=out_dir,
            band_width=band_width,
            data_root=data_root,
            log=osp.join(out_dir, 'logs', f'{run.name}.log'),
            **config_kwargs) for run in todo
    ]
    jobs = min(jobs, len(tasks))
    threads = max(1, (os.cpu_count() or 1) // jobs) if jobs > 1 else 0
    img_size = (config_kwargs.get('scale') or {}).get('img_size', 32)
    init = (threads, data_root, img_size, psnr_images)
    print(f'{len(tasks)} runs, {jobs} at a time; logs in '
          f'{osp.join(out_dir, "logs")}')
    bar = ProgressBar(len(tasks))
    failed = []
    with contextlib.ExitStack() as stack:
        if jobs == 1:
            init_worker(*init)
            finished = map(run_logged, tasks)
        else:
            pool = stack.enter_context(
                mp.get_context('spawn').Pool(jobs, init_worker, init))
            finished = pool.imap_unordered(run_logged, tasks)
        for run, result, error in finished:
            what = f'{run.label}, seed {run.seed}'
            if error:
                failed.append(what)
                bar.file.write(f'\n{what}: failed\n')
            else:
                bar.file.write(f'\n{what}: probe {result.probe:.2f}%, '
                               f'pre-training {result.train_seconds:.0f} s\n')
            bar.update()
    bar.file.write('\n')
    if failed:
        print(f'{len(failed)} runs failed ({"; ".join(failed)}): see their '
              f'logs in {osp.join(out_dir, "logs")}')


def run_and_report(out_dir: str,
                   methods: Sequence[str] = tuple(METHODS),
                   seeds: int = 3,
                   jobs: int = 1,
                   data_root: str = 'data/demo/shapes',
                   band_width: float = 4,
                   psnr_images: int = 64,
                   iters: int = 400,
                   batch_size: int = 64,
                   lr: float = 1e-3,
                   scale: Optional[dict] = None,
                   coverage_ann: Optional[str] = None,
                   coverage_samples: int = 10,
                   report_only: bool = False) -> str:
    """``tools/analysis/study.py``: :func:`run_study` with seeds
    ``0..seeds-1`` (unless ``report_only``), then the report, with the
    coverage table when ``coverage_ann`` exists.

    Args:
        out_dir, methods, jobs, data_root, band_width, psnr_images: As
            :func:`run_study`.
        seeds (int): Number of seeds.
        iters, batch_size, lr, scale: As :func:`~.configs.study_config`
            (``scale`` defaults to :func:`~.configs.study_scale`'s).
        coverage_ann (str, optional): COCO annotations of the coverage
            table, see :func:`~.report.coverage_for_report`.
        coverage_samples (int): Crops drawn per image (its foreground mask)
            for it.
        report_only (bool): Only rewrite the report from the results
            already in ``out_dir``. Defaults to False.

    Returns:
        str: The report's markdown.
    """
    scale = scale or study_scale()
    config_kwargs = dict(
        iters=iters, batch_size=batch_size, lr=lr, scale=scale)
    if not report_only:
        run_study(out_dir, methods, range(seeds), jobs, data_root, band_width,
                  psnr_images, **config_kwargs)
    coverage = None
    if coverage_ann:
        coverage = coverage_for_report(coverage_ann, coverage_samples,
                                       **config_kwargs)
    settings = report_settings(seeds, iters, batch_size, lr, scale)
    return write_report(out_dir, methods, settings, coverage)
