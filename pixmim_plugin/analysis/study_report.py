"""``make study``'s driver and report: every (method, seed) run, in this
process or in parallel subprocesses, then ``report.md``, ``study.csv`` and
the band-PSNR plot from whatever results the output folder holds."""
import os
import os.path as osp
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Optional, Sequence

import numpy as np

from pixmim_plugin.analysis.coverage_report import write_csv
from pixmim_plugin.analysis.frequency_psnr import save_band_psnr
from pixmim_plugin.analysis.study import METHODS
from pixmim_plugin.analysis.study_runs import (FLOOR, load_eval_data,
                                               load_results, run_one,
                                               study_coverage, summarise)


def run_study(out_dir: str,
              methods: Sequence[str] = tuple(METHODS),
              seeds: Sequence[int] = (0, 1, 2),
              jobs: int = 1,
              data_root: str = 'data/demo/shapes',
              band_width: float = 4,
              psnr_images: int = 64,
              command: Optional[Sequence[str]] = None,
              **config_kwargs) -> None:
    """Run what ``out_dir/results`` lacks, seed by seed, each method and the
    random-init floor; then :func:`write_report`.

    Args:
        out_dir (str): Output folder (``runs/``, ``results/``, report).
        methods (Sequence[str]): Keys of :data:`METHODS`.
        seeds (Sequence[int]): One run per method and seed.
        jobs (int): 1 runs in this process; more run ``command`` plus
            ``--only METHOD SEED`` in that many subprocesses at a time.
        data_root (str): The demo shapes set (ImageNet layout with
            ``meta/<split>_objects.json``).
        band_width (float): Band width of the band PSNR, in bins.
        psnr_images (int): Validation images for the band PSNR.
        command (Sequence[str], optional): The study tool's command line,
            for ``jobs > 1``.
        **config_kwargs: :func:`~pixmim_plugin.analysis.study.study_config`
            arguments (``iters``, ``batch_size``, ``lr``, ``scale``, ...).
    """
    done = {(r['method'], r['seed']) for r in load_results(out_dir)}
    todo = [(m, s) for s in seeds for m in (FLOOR, *methods)
            if (m, s) not in done]
    if jobs > 1 and todo:

        def launch(run):
            log = osp.join(out_dir, 'logs',
                           f'{run[0].replace(" ", "_")}_{run[1]}.log')
            os.makedirs(osp.dirname(log), exist_ok=True)
            with open(log, 'w') as f:
                return subprocess.call(
                    [*command, '--only', run[0],
                     str(run[1])],
                    stdout=f,
                    stderr=subprocess.STDOUT)

        with ThreadPoolExecutor(jobs) as pool:
            codes = list(pool.map(launch, todo))
        if any(codes):
            print(f'{sum(map(bool, codes))} runs failed: see '
                  f'{osp.join(out_dir, "logs")}')
    elif todo:
        scale = config_kwargs.get('scale') or {}
        data = load_eval_data(data_root, scale.get('img_size', 32),
                              psnr_images)
        for k, (method, seed) in enumerate(todo):
            print(f'[{k + 1}/{len(todo)}] {method}, seed {seed}', flush=True)
            r = run_one(
                method,
                seed,
                out_dir,
                data,
                band_width,
                data_root=data_root,
                **config_kwargs)
            print(
                f"    probe {r['probe']:.2f}%, {r['train_s']:.0f} s",
                flush=True)


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
