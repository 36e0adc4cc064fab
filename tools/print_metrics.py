"""Print the last evaluation of each mmengine work_dir (the newest run's
``vis_data/scalars.json``): top-1 accuracy (%), COCO box / mask AP (0 to 1,
as mmdet logs them), mIoU (%).

    python tools/print_metrics.py work_dirs/demo_linear work_dirs/demo_det
"""
import argparse
import glob
import json
import os.path as osp

METRICS = ('accuracy/top1', 'coco/bbox_mAP', 'coco/segm_mAP', 'mIoU')


def last_metrics(work_dir: str) -> dict:
    """The metrics of the last evaluation logged in the newest run of
    ``work_dir``; empty if it logged none."""
    runs = sorted(
        glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json')))
    if not runs:
        return {}
    found = {}
    with open(runs[-1]) as f:
        for line in f:
            record = json.loads(line)
            if any(key in record for key in METRICS):
                found = {k: record[k] for k in METRICS if k in record}
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('work_dirs', nargs='+')
    args = parser.parse_args()
    missing = []
    for work_dir in args.work_dirs:
        metrics = last_metrics(work_dir)
        if not metrics:
            missing.append(work_dir)
        shown = '  '.join(f'{k} {round(v, 3)}' for k, v in metrics.items())
        print(f'{work_dir}: {shown or "no evaluation logged"}')
    if missing:
        raise SystemExit(f'no metrics in {", ".join(missing)}')


if __name__ == '__main__':
    main()
