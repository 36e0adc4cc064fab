"""Robustness of the demo fine-tuned classifiers: ImageNet-C-style mCE and
cue-conflict shape bias on the demo sets (``make demo-robustness``).

    python tools/demo_robustness.py work_dirs/demo_ft \
        --texture work_dirs/demo_ft_texture

The shape-labelled model (``work_dirs/demo_ft``) is evaluated on both sets,
the texture-labelled one, if given, on the cue-conflict set; the metrics go
to ``OUT/metrics.json`` and a table to stdout. mCE is normalised by
chance-level reference errors (the demo set's reference_errors.json), not
AlexNet's. The work is :func:`pixmim_plugin.demo.robustness.demo_robustness`.
"""
import argparse
import os.path as osp
from typing import List, Optional

from mmengine.config import DictAction

from pixmim_plugin.cli import check_file, check_image_root, tool_main
from pixmim_plugin.demo.robustness import demo_robustness, robustness_table

MAKE_SETS = 'python tools/make_demo_data.py --robustness writes them'


@tool_main
def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        'shape', help='shape-labelled model: work dir or checkpoint')
    parser.add_argument('--texture', help='texture-labelled model')
    parser.add_argument(
        '--trust',
        action='store_true',
        help='unpickle raw training checkpoints in full (only files you '
        'trust, such as your own runs)')
    parser.add_argument('--out', default='work_dirs/demo_robustness')
    parser.add_argument(
        '--data-root',
        default='data/demo',
        help='holds imagenet-c/ and cue-conflict/ '
        '(tools/make_demo_data.py --robustness)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='merged into both test configs')
    args = parser.parse_args(argv)
    for folder in ('imagenet-c', 'cue-conflict'):
        check_image_root(args.data_root, folder, hint=MAKE_SETS)
    check_file(
        osp.join(args.data_root, 'imagenet-c', 'reference_errors.json'),
        f'--data-root {args.data_root}:')
    metrics = demo_robustness(args.shape, args.texture, args.out,
                              args.data_root, args.cfg_options, args.trust)
    print(robustness_table(metrics['corruption'], metrics['shape']))


if __name__ == '__main__':
    main()
