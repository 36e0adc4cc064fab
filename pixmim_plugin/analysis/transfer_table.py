"""The metrics that mmengine work_dirs logged, and the demo chain's table of
each protocol run from a pre-trained and from a random-init encoder.

A work_dir holds one folder per run (``<timestamp>/vis_data/``) with the
run's ``config.py`` and ``scalars.json``; the newest run is the one read.
"""
import glob
import json
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

from pixmim_plugin.cli import InputError

# logged key -> (name in the table, factor to the table's unit)
METRICS = {
    'accuracy/top1': ('top-1 (%)', 1.0),
    'coco/bbox_mAP': ('box AP', 100.0),  # mmdet logs AP in [0, 1]
    'coco/segm_mAP': ('mask AP', 100.0),
    'mIoU': ('mIoU (%)', 1.0),
}
HEADER = ('protocol', 'metric', 'pre-trained', 'random init', 'difference',
          'chance')


def newest_run(work_dir: str) -> Optional[str]:
    """The ``vis_data`` folder of the newest run of ``work_dir``, or None
    when it has none."""
    runs = sorted(
        glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json')))
    return osp.dirname(runs[-1]) if runs else None


def last_metrics(work_dir: str) -> Dict[str, float]:
    """The metrics of :data:`METRICS` in the last evaluation logged by the
    newest run of ``work_dir``, as logged; empty if it logged none."""
    run = newest_run(work_dir)
    if run is None:
        return {}
    found = {}
    with open(osp.join(run, 'scalars.json')) as f:
        for line in f:
            record = json.loads(line)
            if any(key in record for key in METRICS):
                found = {k: record[k] for k in METRICS if k in record}
    return found


def protocol(work_dir: str) -> Tuple[str, Optional[float]]:
    """The protocol the newest run of ``work_dir`` trained, read from its
    config, and the top-1 accuracy (%) of guessing for a classifier.

    Returns:
        tuple: ``'linear probe'`` (a classifier whose backbone has frozen
        stages), ``'fine-tuning'`` (any other classifier), ``'Mask R-CNN'``,
        ``'UperNet'`` or the model's type; and ``100 / num_classes`` for a
        classifier, else None.
    """
    from mmengine.config import Config
    model = Config.fromfile(osp.join(newest_run(work_dir), 'config.py')).model
    if model.type == 'ImageClassifier':
        frozen = model.backbone.get('frozen_stages', 0) > 0
        name = 'linear probe' if frozen else 'fine-tuning'
        return name, 100.0 / model.head.num_classes
    if model.type == 'MaskRCNN':
        return 'Mask R-CNN', None
    if model.get('decode_head', {}).get('type') == 'UPerHead':
        return 'UperNet', None
    return model.type, None


def comparison_rows(pretrained: Sequence[str],
                    random_init: Sequence[str]) -> List[Tuple[str, ...]]:
    """One row per metric of each protocol: the run from the pre-trained
    encoder, the same recipe from a random-init one, their difference and
    the chance level where there is one.

    Args:
        pretrained (Sequence[str]): work_dirs of the runs from the
            pre-trained encoder.
        random_init (Sequence[str]): work_dirs of the same configs run from
            a random-init encoder, in the same order.

    Returns:
        list[tuple]: Rows of :data:`HEADER`, numbers formatted with one
        decimal (AP in percent).
    """
    if len(pretrained) != len(random_init):
        raise InputError(f'--random-init takes one work_dir per work_dir: '
                         f'got {len(random_init)} for {len(pretrained)}')
    rows = []
    for pre_dir, rand_dir in zip(pretrained, random_init):
        pre, rand = last_metrics(pre_dir), last_metrics(rand_dir)
        for work_dir, found in ((pre_dir, pre), (rand_dir, rand)):
            if not found:
                raise InputError(f'{work_dir}: no evaluation logged')
        name, chance = protocol(pre_dir)
        for key in (k for k in METRICS if k in pre and k in rand):
            label, factor = METRICS[key]
            a, b = pre[key] * factor, rand[key] * factor
            level = f'{chance:.1f}' if key == 'accuracy/top1' and chance \
                else '-'
            rows.append(
                (name, label, f'{a:.1f}', f'{b:.1f}', f'{a - b:+.1f}', level))
    return rows


def markdown_table(header: Sequence[str],
                   rows: Sequence[Sequence[str]]) -> str:
    """``rows`` under ``header`` as a Markdown table."""
    lines = [header, ['---'] * len(header), *rows]
    return '\n'.join('| ' + ' | '.join(line) + ' |' for line in lines)
