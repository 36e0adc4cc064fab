"""Print the last evaluation of each mmengine work_dir (the newest run's
``vis_data/scalars.json``): top-1 accuracy (%), COCO box / mask AP (0 to 1,
as mmdet logs them), mIoU (%).

    python tools/print_metrics.py work_dirs/demo_linear work_dirs/demo_det

With ``--random-init`` (one work_dir per work_dir: the same config run from
a random-init encoder) it prints one Markdown table instead: protocol,
metric, pre-trained, random init, difference, chance level.

    python tools/print_metrics.py work_dirs/demo_linear work_dirs/demo_ft \
        --random-init work_dirs/demo_linear_random work_dirs/demo_ft_random
"""
import argparse
from typing import List, Optional

from pixmim_plugin.analysis.transfer_table import (HEADER, comparison_rows,
                                                   last_metrics,
                                                   markdown_table)
from pixmim_plugin.cli import InputError, tool_main


@tool_main
def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('work_dirs', nargs='+')
    parser.add_argument(
        '--random-init',
        nargs='+',
        metavar='WORK_DIR',
        help='the same configs run from a random-init encoder, in order')
    args = parser.parse_args(argv)
    if args.random_init:
        rows = comparison_rows(args.work_dirs, args.random_init)
        print(markdown_table(HEADER, rows))
        return
    missing = []
    for work_dir in args.work_dirs:
        metrics = last_metrics(work_dir)
        if not metrics:
            missing.append(work_dir)
        shown = '  '.join(f'{k} {round(v, 3)}' for k, v in metrics.items())
        print(f'{work_dir}: {shown or "no evaluation logged"}')
    if missing:
        raise InputError(f'no metrics in {", ".join(missing)}')


if __name__ == '__main__':
    main()
