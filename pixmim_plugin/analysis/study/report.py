"""``make study``'s report: ``report.md``, ``study.csv`` and the band-PSNR
plot from whatever results the output folder holds, and the object coverage
of the study's two crops."""
import dataclasses
import json
import os
import os.path as osp
import sys
from typing import Dict, List, Optional, Sequence

import numpy as np

from pixmim_plugin.analysis.coverage_report import write_csv
from pixmim_plugin.analysis.frequency_psnr import save_band_psnr
from pixmim_plugin.analysis.study.configs import study_config
from pixmim_plugin.analysis.study.record import FLOOR_LABEL, RunResult


def load_results(out_dir: str) -> List[RunResult]:
    """Every ``results/*.json`` of ``out_dir``.

    Raises:
        ValueError: If a file is not a :class:`~.record.RunResult` (a
            study of an older version): choose another output folder.
    """
    folder = osp.join(out_dir, 'results')
    if not osp.isdir(folder):
        return []
    results = []
    for file in sorted(os.listdir(folder)):
        with open(osp.join(folder, file)) as f:
            try:
                results.append(RunResult.from_json(json.load(f)))
            except ValueError as error:
                raise ValueError(f'{osp.join(folder, file)}: {error}; choose '
                                 f'another output folder') from error
    return results


def _by_row(results: Sequence[RunResult],
            methods: Sequence[str]) -> Dict[str, List[RunResult]]:
    """The runs of each row of the report, the floor first: label -> runs;
    rows without runs are left out."""
    rows = {FLOOR_LABEL: [r for r in results if r.run.floor]}
    for method in methods:
        rows[method] = [
            r for r in results if not r.run.floor and r.run.method == method
        ]
    return {label: runs for label, runs in rows.items() if runs}


@dataclasses.dataclass
class Summary:
    """One row of the report: mean and standard deviation over seeds (ddof
    1; 0 for one seed) of a method's runs or the floor's.

    Args:
        label (str): The method, or ``random init`` for the floor.
        seeds (int): Number of runs.
        probe (float): Linear-probe top-1 (%), mean.
        probe_std (float): Its standard deviation.
        band_psnr (np.ndarray): Band PSNR (dB) per band, mean; (K, ).
        band_psnr_std (np.ndarray): Its standard deviation; (K, ).
        band_edges (list[float]): The K + 1 band edges (bins).
        train_seconds (float): Pre-training wall time, mean.
    """
    label: str
    seeds: int
    probe: float
    probe_std: float
    band_psnr: np.ndarray
    band_psnr_std: np.ndarray
    band_edges: List[float]
    train_seconds: float


def summarise(results: Sequence[RunResult],
              methods: Sequence[str]) -> List[Summary]:
    """The floor's row, then one per method of ``methods`` that has runs."""
    rows = []
    for label, runs in _by_row(results, methods).items():
        acc = np.array([r.probe for r in runs])
        psnr = np.array([r.band_psnr for r in runs])  # (seeds, bands)
        ddof = 1 if len(runs) > 1 else 0
        rows.append(
            Summary(
                label=label,
                seeds=len(runs),
                probe=acc.mean(),
                probe_std=acc.std(ddof=ddof),
                band_psnr=psnr.mean(0),
                band_psnr_std=psnr.std(0, ddof=ddof),
                band_edges=runs[0].band_edges,
                train_seconds=np.mean([r.train_seconds for r in runs])))
    return rows


def report_settings(seeds: int, iters: int, batch_size: int, lr: float,
                    scale: dict) -> Dict[str, object]:
    """The report's settings line: the budget and the scale
    (:func:`~.configs.study_scale`'s output) as the tool's options say
    them."""
    arch = scale['arch']
    return dict(
        iters=iters,
        batch=batch_size,
        lr=lr,
        image=f"{scale['img_size']} px",
        patch=scale['patch_size'],
        encoder=f"ViT {arch['num_layers']} x {arch['embed_dims']}",
        seeds=seeds)


def write_report(out_dir: str,
                 methods: Sequence[str],
                 settings: dict,
                 coverage: Optional[list] = None) -> str:
    """``report.md``, ``study.csv`` (one row per run) and ``band_psnr.png``
    / ``band_psnr.csv`` (mean over seeds) from ``out_dir/results``.

    Args:
        out_dir (str): The study's output folder.
        methods (Sequence[str]): The methods reported, in this order after
            the floor.
        settings (dict): The report's settings line
            (:func:`report_settings`).
        coverage (list, optional): :func:`study_coverage`'s output.

    Returns:
        str: The report's markdown.
    """
    results = load_results(out_dir)
    if not results:
        raise FileNotFoundError(f'no results in {out_dir}/results')
    write_csv([
        dict(
            method=r.run.label,
            seed=r.run.seed,
            probe=r.probe,
            train_s=r.train_seconds,
            **{
                f'psnr_band{k}': v
                for k, v in enumerate(r.band_psnr)
            }) for r in results
    ], osp.join(out_dir, 'study.csv'))
    save_band_psnr(
        {
            label: (runs[0].band_edges, np.array([r.band_psnr for r in runs]))
            for label, runs in _by_row(results, methods).items()
        }, out_dir)
    rows = summarise(results, methods)
    edges = rows[0].band_edges
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
                         for m, s in zip(r.band_psnr, r.band_psnr_std))
        lines.append(f'| {r.label} | {r.seeds} | {r.probe:.2f} '
                     f'+- {r.probe_std:.2f} | {psnr} | '
                     f'{r.train_seconds:.0f} |')
    lines += [
        '', 'mean +- standard deviation over seeds. Probe: L-BFGS '
        'logistic regression on the frozen class token + mean patch token '
        'of the object crops of the train split, top-1 on those of the val '
        'split (the demo set: 1600 / 400, 8 classes, chance 12.5%). Band '
        'PSNR: 0-255 pixels, masked patches predicted and visible ones '
        'pasted (MFM: its prediction).', '', '![band PSNR](band_psnr.png)'
    ]
    if coverage:
        first = coverage[0]
        measure = ("each image's foreground (the union of its instance "
                   'masks), as the paper measures' if first['unit'] == 'image'
                   else 'every object counted once')
        lines += [
            '', '## Object coverage of the study\'s crops (demo COCO val)', '',
            f"Mean +- standard error over {first['units']} {first['unit']}s"
            f" ({first['draws']} crops each, averaged first): {measure}.", '',
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


def study_coverage(ann_file: str,
                   img_root: str,
                   samples: int,
                   per_instance: bool = False,
                   **config_kwargs) -> list:
    """Object coverage (:mod:`~pixmim_plugin.analysis.object_coverage`) of
    the study's two training crops (MAE's RandomResizedCrop and PixMIM's
    SimpleResizedCrop at the study's size) on a COCO-format set, with the
    study's patch size and a 75% mask: the paper's measure, one foreground
    mask per image (the union of its instances), or one per object with
    ``per_instance``."""
    from mmpretrain.registry import TRANSFORMS

    from pixmim_plugin.analysis.coverage_report import (load_coco_foregrounds,
                                                        load_coco_objects)
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
    load = load_coco_objects if per_instance else load_coco_foregrounds
    masks = load(ann_file, img_root)
    rows = measure(masks, crops, patch, 0.75, samples, progress=False)
    return summarise_coverage(rows)


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
