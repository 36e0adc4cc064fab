"""MAE vs MAE+SRC vs MAE+LF vs PixMIM vs MFM on the demo shapes set.

    python tools/analysis/study.py --seeds 3 --iters 400 --out work_dirs/study

Pre-trains every method for each seed with the same budget (iterations,
batch, learning rate, schedule), data order and seed through mmengine's
Runner (the demo configs of configs/demo/ at the study's scale, see
pixmim_plugin/analysis/study/), evaluates each with a linear probe on the
object crops and the band PSNR, and writes OUT/report.md, OUT/study.csv and
OUT/band_psnr.png. A random-init encoder is the probe's floor. Finished
runs (OUT/results/*.json) are kept: a second call only adds what is
missing. Runs one pre-training at a time on a GPU (the Runner's default
device), else one per CPU core in worker processes (--jobs); a progress
bar counts the runs, each run's log is OUT/logs/NAME.log (mae_seed0,
mae_src_seed0, ..., floor_seed0).
"""
import argparse
import os
import os.path as osp
import time
from typing import List, Optional

import torch

from pixmim_plugin.analysis.study import METHODS, run_and_report, study_scale
from pixmim_plugin.cli import (InputError, check_file, check_image_root,
                               tool_main)

MAKE_SHAPES = 'python tools/make_demo_data.py writes the demo set'


def check_shapes_root(root: str) -> None:
    """Refuse a data root without what the runs read: the train and val
    images, the val list and the object boxes of both (``meta/``)."""
    for split in ('train', 'val'):
        check_image_root(root, split, hint=MAKE_SHAPES)
    for name in ('val.txt', 'train_objects.json', 'val_objects.json'):
        check_file(osp.join(root, 'meta', name), f'--data-root {root}:')


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--out', default='work_dirs/study')
    parser.add_argument(
        '--methods', nargs='+', default=list(METHODS), choices=list(METHODS))
    parser.add_argument('--seeds', type=int, default=3, help='seeds 0..S-1')
    parser.add_argument(
        '--iters',
        type=int,
        default=400,
        help='pre-training iterations (the budget)')
    parser.add_argument('--batch-size', type=int, default=64)
    parser.add_argument('--lr', type=float, default=1e-3)
    parser.add_argument('--img-size', type=int, default=32)
    parser.add_argument('--patch-size', type=int, default=4)
    parser.add_argument('--embed-dims', type=int, default=128)
    parser.add_argument('--depth', type=int, default=4)
    parser.add_argument('--data-root', default='data/demo/shapes')
    parser.add_argument('--psnr-images', type=int, default=64)
    parser.add_argument('--band-width', type=float, default=4)
    parser.add_argument(
        '--coverage-ann',
        default='data/demo/coco/annotations/instances_val2017.json')
    parser.add_argument(
        '--coverage-samples',
        type=int,
        default=10,
        help='crops per image for the coverage table')
    parser.add_argument(
        '--jobs',
        type=int,
        help='runs at a time (default: 1 with a GPU, else one per CPU core)')
    parser.add_argument('--report-only', action='store_true')
    args = parser.parse_args(argv)
    if args.jobs is None:
        args.jobs = 1 if torch.cuda.is_available() else os.cpu_count() or 1
    for name in ('seeds', 'iters', 'batch_size', 'jobs', 'psnr_images'):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be >= 1")
    if args.img_size % args.patch_size:
        parser.error('--img-size must be a multiple of --patch-size')
    if not args.report_only:
        check_shapes_root(args.data_root)
    return args


@tool_main
def main(argv: Optional[List[str]] = None) -> None:
    args = parse_args(argv)
    start = time.time()
    try:
        report = run_and_report(
            args.out,
            args.methods,
            seeds=args.seeds,
            jobs=args.jobs,
            data_root=args.data_root,
            band_width=args.band_width,
            psnr_images=args.psnr_images,
            iters=args.iters,
            batch_size=args.batch_size,
            lr=args.lr,
            scale=study_scale(args.img_size, args.patch_size, args.embed_dims,
                              args.depth),
            coverage_ann=args.coverage_ann,
            coverage_samples=args.coverage_samples,
            report_only=args.report_only)
    except ValueError as error:  # e.g. another study's settings in --out
        raise InputError(str(error)) from None
    print(report)
    print(f'written to {args.out}/report.md ({time.time() - start:.0f} s)')


if __name__ == '__main__':
    main()
