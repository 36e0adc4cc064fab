"""Write the embedded shapes demo datasets under data/demo/.

    python tools/make_demo_data.py

- ``data/demo/shapes``: classification, mmpretrain's ImageNet layout;
- ``data/demo/shapes-objects``: each of its images cropped to its object;
- ``data/demo/coco``: multi-object scenes as a COCO-format instance set
  (``images/{train2017,val2017}``, ``annotations/instances_*.json``);
- ``data/demo/ade/ADEChallengeData2016``: the same kind of scenes in
  ADE20K's layout (``images/``, ``annotations/`` of label maps);
- with ``--robustness`` (for ``make demo-robustness``, about 2 minutes):
  ``data/demo/imagenet-c`` (15 corruptions x 5 severities of the
  shapes-objects validation split), ``data/demo/shapes-texture`` (the
  texture-labelled variant) and ``data/demo/cue-conflict``.

The work is :func:`pixmim_plugin.demo.make_data.make_demo_data`.
"""
import argparse
import os.path as osp
from typing import List, Optional

from pixmim_plugin.cli import InputError, tool_main
from pixmim_plugin.demo.make_data import make_demo_data


@tool_main
def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--root', default='data/demo')
    parser.add_argument('--train-per-class', type=int, default=200)
    parser.add_argument('--val-per-class', type=int, default=50)
    parser.add_argument(
        '--scenes',
        type=int,
        nargs=2,
        default=(200, 50),
        help='train and val scenes of the COCO / ADE sets')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument(
        '--robustness',
        action='store_true',
        help='also the corrupted, texture-labelled and cue-conflict sets')
    args = parser.parse_args(argv)
    counts = (args.train_per_class, args.val_per_class, *args.scenes)
    if min(counts) < 1:
        parser.error('--train-per-class, --val-per-class and --scenes must '
                     'be >= 1')
    if osp.exists(args.root) and not osp.isdir(args.root):
        raise InputError(f'--root {args.root}: a file, not a folder')
    make_demo_data(args.root, args.train_per_class, args.val_per_class,
                   tuple(args.scenes), args.seed, args.robustness)


if __name__ == '__main__':
    main()
