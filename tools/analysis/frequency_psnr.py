"""Reconstruction PSNR per frequency band for one or more models.

    python tools/analysis/frequency_psnr.py \
        CONFIG CHECKPOINT [CONFIG CHECKPOINT ...] \
        --data-root data/demo/shapes --folder val --num-images 64 \
        --band-width 8 --out work_dirs/frequency_psnr

Writes DIR/band_psnr.csv (model, band, lo, hi, mean PSNR, std over the
images, images), DIR/band_psnr.png (a curve per model) and, for several
models, DIR/band_psnr_paired.csv (each model minus the first, per image:
mean, std, standard error, fraction of images lower). The conventions
(target, pasting, norm_pix statistics, peak) are those of
``pixmim_plugin.analysis.frequency_psnr``; see docs/analysis.md.
"""
import argparse
import os
import os.path as osp
from typing import List, Optional

from mmengine.config import DictAction

from pixmim_plugin.analysis import (build_trained_model, image_files,
                                    load_images, reconstruction_band_psnr)
from pixmim_plugin.analysis.frequency_psnr import (NORM_STATS, PASTE,
                                                   save_band_psnr,
                                                   save_paired_differences)
from pixmim_plugin.cli import (check_checkpoint_path, check_config,
                               check_image_root, tool_main)
from pixmim_plugin.frequency import band_edges


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        'models',
        nargs='+',
        help='CONFIG CHECKPOINT pairs; a checkpoint may '
        'be a work_dir (its latest checkpoint)')
    parser.add_argument('--data-root', required=True)
    parser.add_argument(
        '--folder',
        default='val',
        help='images under DATA_ROOT/FOLDER, '
        'class subfolders or flat ("" for DATA_ROOT itself)')
    parser.add_argument('--num-images', type=int, default=64)
    parser.add_argument(
        '--band-width', type=float, default=8, help='in frequency bins')
    parser.add_argument(
        '--edges',
        type=float,
        nargs='+',
        help='explicit band edges '
        'instead of --band-width: 0 ... corner distance (or inf)')
    parser.add_argument('--peak', type=float, default=255.)
    parser.add_argument('--paste', choices=PASTE, default='input')
    parser.add_argument('--norm-stats', choices=NORM_STATS, default='input')
    parser.add_argument('--mask-seed', type=int, default=0)
    parser.add_argument('--batch-size', type=int, default=32)
    parser.add_argument('--names', nargs='+', help='one per model')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--out', default='work_dirs/frequency_psnr')
    parser.add_argument(
        '--trust',
        action='store_true',
        help='load checkpoints in full (mmengine training checkpoints '
        'load weights-only without it)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    args = parser.parse_args(argv)
    if len(args.models) % 2:
        parser.error('models must be CONFIG CHECKPOINT pairs')
    pairs = list(zip(args.models[::2], args.models[1::2]))
    args.names = args.names or [
        osp.splitext(osp.basename(c))[0] for c, _ in pairs
    ]
    if len(args.names) != len(pairs):
        parser.error(f'--names needs {len(pairs)} names')
    args.pairs = pairs
    for config, checkpoint in pairs:  # all, before the first evaluation
        check_config(config)
        check_checkpoint_path(checkpoint)
    check_image_root(args.data_root, args.folder)
    return args


@tool_main
def main(argv: Optional[List[str]] = None) -> None:
    args = parse_args(argv)
    files = image_files(args.data_root, args.folder, args.num_images)
    results = {}
    for name, (config, checkpoint) in zip(args.names, args.pairs):
        cfg, model = build_trained_model(config, checkpoint, args.cfg_options,
                                         args.trust)
        size = cfg.model.backbone.get('img_size', 224)
        edges = args.edges or band_edges(size, args.band_width)
        print(f'{name}: {len(files)} images at {size} px, '
              f'{len(edges) - 1} bands')
        psnr = reconstruction_band_psnr(
            model.to(args.device),
            load_images(files, size),
            edges,
            peak=args.peak,
            mask_seed=args.mask_seed,
            paste=args.paste,
            norm_stats=args.norm_stats,
            batch_size=args.batch_size,
            progress=True)
        results[name] = (edges, psnr)
    os.makedirs(args.out, exist_ok=True)
    for line in save_band_psnr(results, args.out):
        print(line)
    if len(results) > 1:
        print(f'paired differences against {args.names[0]} (dB): model '
              'reference band lo hi mean std sem fraction_lower images')
        for line in save_paired_differences(results, args.out):
            print(line)


if __name__ == '__main__':
    main()
