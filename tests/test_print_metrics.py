"""tools/print_metrics.py: the last evaluation of the newest run."""
import json
import os
import os.path as osp
import subprocess
import sys

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
TOOL = osp.join(ROOT, 'tools', 'print_metrics.py')


def write_run(work_dir, timestamp, records):
    vis = osp.join(work_dir, timestamp, 'vis_data')
    os.makedirs(vis)
    with open(osp.join(vis, 'scalars.json'), 'w') as f:
        for record in records:
            f.write(json.dumps(record) + '\n')


def test_prints_the_last_evaluation_of_the_newest_run(tmp_path):
    det, seg, empty = (str(tmp_path / name) for name in ('det', 'seg', 'e'))
    write_run(det, '20260101_000000', [{'coco/bbox_mAP': 0.9, 'step': 1}])
    write_run(det, '20260102_000000', [
        {
            'loss': 1.0,
            'step': 1
        },
        {
            'coco/bbox_mAP': 0.25,
            'coco/segm_mAP': 0.125,
            'step': 2
        },
        {
            'loss': 0.5,
            'step': 3
        },
    ])
    write_run(seg, '20260101_000000', [{'mIoU': 10.0}, {'mIoU': 12.5}])
    proc = subprocess.run([sys.executable, TOOL, det, seg],
                          capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        f'{det}: coco/bbox_mAP 0.25  coco/segm_mAP 0.125',
        f'{seg}: mIoU 12.5',
    ]
    write_run(empty, '20260101_000000', [{'loss': 1.0}])
    proc = subprocess.run([sys.executable, TOOL, seg, empty],
                          capture_output=True,
                          text=True)
    assert proc.returncode != 0
    assert f'{empty}: no evaluation logged' in proc.stdout
    assert 'no metrics in' in proc.stderr
