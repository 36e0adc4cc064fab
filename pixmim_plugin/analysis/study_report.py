"""``make study``'s driver and report: every (method, seed) run, in this
process or in parallel subprocesses, then ``report.md``, ``study.csv`` and
the band-PSNR plot from whatever results the output folder holds."""
import contextlib
import json
import multiprocessing as mp
import os
import os.path as osp
import sys
from typing import Optional, Sequence

import numpy as np
from mmengine.utils import ProgressBar

from pixmim_plugin.analysis.coverage_report import write_csv
from pixmim_plugin.analysis.frequency_psnr import save_band_psnr
from pixmim_plugin.analysis.study import METHODS
from pixmim_plugin.analysis.study_runs import (FLOOR, init_worker,
                                               load_results, run_logged,
                                               study_coverage, summarise)

# relative cost of a run, longest first so that parallel workers end
# together (MFM's encoder sees every patch, MAE's a quarter)
_COST = {'MFM': 2, FLOOR: 0}


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
    goes to ``out_dir/logs``. The settings are kept in
    ``out_dir/settings.json``; a call with other settings on the same
    folder raises ``ValueError`` rather than mix the two.

    Args:
        out_dir (str): Output folder (``runs/``, ``results/``, ``logs/``).
        methods (Sequence[str]): Keys of :data:`METHODS`.
        seeds (Sequence[int]): One run per method and seed.
        jobs (int): Runs at a time. 1 runs them in this process; more
            start that many worker processes, each with its share of the
            CPU cores as torch threads.
        data_root (str): The demo shapes set (ImageNet layout with
            ``meta/<split>_objects.json``).
        band_width (float): Band width of the band PSNR, in bins.
        psnr_images (int): Validation images for the band PSNR.
        **config_kwargs: :func:`~pixmim_plugin.analysis.study.study_config`
            arguments (``iters``, ``batch_size``, ``lr``, ``scale``, ...).
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
    done = {(r['method'], r['seed']) for r in load_results(out_dir)}
    todo = [(m, s) for s in seeds for m in (FLOOR, *methods)
            if (m, s) not in done]
    if not todo:
        return
    todo.sort(key=lambda run: -_COST.get(run[0], 1))
    tasks = [
        dict(
            method=method,
            seed=seed,
            out_dir=out_dir,
            band_width=band_width,
            data_root=data_root,
            log=osp.join(out_dir, 'logs',
                         f'{method.replace(" ", "_")}_seed{seed}.log'),
            **config_kwargs) for method, seed in todo
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
        for result, error in finished:
            run = f"{result['method']}, seed {result['seed']}"
            if error:
                failed.append(run)
                bar.file.write(f'\n{run}: failed\n')
            else:
                bar.file.write(f"\n{run}: probe {result['probe']:.2f}%, "
                               f"pre-training {result['train_s']:.0f} s\n")
            bar.update()
    bar.file.write('\n')
    if failed:
        print(f'{len(failed)} runs failed ({"; ".join(failed)}): see their '
              f'logs in {osp.join(out_dir, "logs")}')


def write_report(out_dir: str,
                 methods: Sequence[str],
                 settings: dict,
                 coverage: Optional[list] = None) -> str:
    """``report.md``, ``study.csv`` (one row per run) and ``band_psnr.png``
    / ``band_psnr.csv`` (mean over seeds) from ``out_dir/results``.

    Returns:
        str: The report's markdown.
    """
    results = load_results(out_dir)
    if not results:
        raise FileNotFoundError(f'no results in {out_dir}/results')
    write_csv([
        dict(
            method=r['method'],
            seed=r['seed'],
            probe=r['probe'],
            train_s=r['train_s'],
            **{
                f'psnr_band{k}': v
                for k, v in enumerate(r['band_psnr'])
            }) for r in results
    ], osp.join(out_dir, 'study.csv'))
    rows = summarise(results, [FLOOR, *methods])
    save_band_psnr(
        {
            r['method']: (r['band_edges'],
                          np.array([
                              x['band_psnr']
                              for x in results if x['method'] == r['method']
                          ]))
            for r in rows
        }, out_dir)
    edges = rows[0]['band_edges']
    bands = [f'{lo:g}-{hi:.3g}' for lo, hi in zip(edges[:-1], edges[1:])]
    lines = [
        '# Study: MAE, its PixMIM changes, PixMIM and MFM on the demo '
        'shapes set', '',
        'Settings: ' + ', '.join(f'{k} {v}' for k, v in settings.items()), '',
        '| method | seeds | linear probe top-1 (%) | band PSNR (dB), '
        'bands ' + ', '.join(bands) + ' bins | pre-training (s) |',
        '|---|---|---|---|---|'
    ]
    for r in rows:
        psnr = ', '.join(f'{m:.1f}+-{s:.1f}'
                         for m, s in zip(r['band_psnr'], r['band_psnr_std']))
        lines.append(f"| {r['method']} | {r['seeds']} | {r['probe']:.2f} "
                     f"+- {r['probe_std']:.2f} | {psnr} | "
                     f"{r['train_s']:.0f} |")
    lines += [
        '', 'mean +- standard deviation over seeds. Probe: L-BFGS '
        'logistic regression on the frozen class token + mean patch token '
        'of the object crops of the train split, top-1 on those of the val '
        'split (the demo set: 1600 / 400, 8 classes, chance 12.5%). Band '
        'PSNR: 0-255 pixels, masked patches predicted and visible ones '
        'pasted (MFM: its prediction).', '', '![band PSNR](band_psnr.png)'
    ]
    if coverage:
        lines += [
            '', '## Object coverage of the study\'s crops (demo COCO val)', '',
            '| crop | J (%) | J after 75% masking (%) | ratio |',
            '|---|---|---|---|'
        ]
        lines += [
            f"| {c['crop'].upper()} | {100 * c['J']:.1f} +- "
            f"{100 * c['J_sem']:.1f} | {100 * c['J_masked']:.1f} +- "
            f"{100 * c['J_masked_sem']:.1f} | {c['ratio']:.3f} |"
            for c in coverage
        ]
    text = '\n'.join(lines) + '\n'
    with open(osp.join(out_dir, 'report.md'), 'w') as f:
        f.write(text)
    return text


def coverage_for_report(ann_file: str, samples: int,
                        **config_kwargs) -> Optional[list]:
    """:func:`study_coverage` on ``ann_file`` if it exists (images next to
    the annotations, COCO layout), else None."""
    if not osp.exists(ann_file):
        print(f'{ann_file} not found: no coverage table', file=sys.stderr)
        return None
    root = osp.dirname(osp.dirname(ann_file))
    split = osp.basename(ann_file)[len('instances_'):-len('.json')]
    return study_coverage(ann_file, osp.join(root, 'images', split), samples,
                          **config_kwargs)
