"""Input and output of the object-coverage tool: instance masks from a
COCO-format file, the CSVs and the bar chart."""
import csv
import json
import os
import os.path as osp
from typing import List, Optional, Sequence, Tuple

import numpy as np

from pixmim_plugin.datasets.transforms.load_object_mask import rle_to_mask


def load_coco_objects(ann_file: str,
                      img_root: Optional[str] = None,
                      max_images: Optional[int] = None) -> List[Tuple]:
    """Instance masks of a COCO-format annotation file (crowd regions
    skipped). Uncompressed RLE (the demo set's) is decoded here; polygons
    and compressed RLE need pycocotools.

    Args:
        ann_file (str): The annotation JSON.
        img_root (str, optional): The images' folder; checked to hold every
            image, and read for the size of images whose entry lacks it.
        max_images (int, optional): Only the first images (by id).

    Returns:
        list[tuple]: ``(image_id, annotation_id, mask)``, mask bool (H, W).
    """
    with open(ann_file) as f:
        content = json.load(f)
    images = sorted(content['images'], key=lambda i: i['id'])[:max_images]
    anns = {}
    for ann in content['annotations']:
        anns.setdefault(ann['image_id'], []).append(ann)
    objects = []
    for info in images:
        if img_root is not None:
            path = osp.join(img_root, info['file_name'])
            if not osp.exists(path):
                raise FileNotFoundError(f"{path} (image {info['id']} of "
                                        f'{ann_file}) not found in img_root')
            if 'height' not in info or 'width' not in info:
                from PIL import Image
                with Image.open(path) as img:
                    info['width'], info['height'] = img.size
        for ann in anns.get(info['id'], []):
            if ann.get('iscrowd', 0):
                continue
            mask = _decode(ann['segmentation'], info['height'], info['width'])
            if mask.any():
                objects.append((info['id'], ann['id'], mask))
    return objects


def _decode(seg, h: int, w: int) -> np.ndarray:
    """bool (h, w) mask of a COCO segmentation."""
    if isinstance(seg, dict) and isinstance(seg['counts'], list):
        return rle_to_mask(seg)
    from pycocotools import mask as mask_utils
    if isinstance(seg, list):  # polygons
        seg = mask_utils.merge(mask_utils.frPyObjects(seg, h, w))
    return mask_utils.decode(seg).astype(bool)


def write_csv(rows: Sequence[dict], path: str) -> None:
    """Rows of dicts with the same keys as a CSV with a header."""
    os.makedirs(osp.dirname(path) or '.', exist_ok=True)
    with open(path, 'w', newline='') as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def plot_coverage(summary: Sequence[dict],
                  path: str,
                  mask_ratio: float = 0.75,
                  title: str = '') -> None:
    """Bar chart: J and J masked (percent, +- 1.96 standard errors) per crop
    kind.

    Args:
        summary: :func:`~pixmim_plugin.analysis.object_coverage.summarise`'s
            rows.
        path (str): The PNG to write.
        mask_ratio (float): The masks' ratio, for the legend.
        title (str): The chart's title.
    """
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    names = [s['crop'].upper() for s in summary]
    x = np.arange(len(names))
    fig, ax = plt.subplots(figsize=(1.6 + 1.4 * len(names), 3.6))
    for offset, key, label in ((-0.2, 'J', 'crop A'),
                               (0.2, 'J_masked',
                                f'crop + {mask_ratio:.0%} mask M o A')):
        values = [100 * s[key] for s in summary]
        errors = [196 * s[f'{key}_sem'] for s in summary]
        bars = ax.bar(
            x + offset, values, 0.4, yerr=errors, label=label, capsize=3)
        ax.bar_label(bars, fmt='%.1f', fontsize=8)
    ax.set_xticks(x, names)
    ax.set_ylabel('object area kept (%)')
    ax.set_ylim(0, 105)
    ax.legend(loc='upper right', fontsize=8)
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    os.makedirs(osp.dirname(path) or '.', exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
