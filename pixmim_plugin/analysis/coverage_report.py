"""Input and output of the object-coverage tool: foreground masks (one per
image: the union of an image's COCO instance masks, or a folder of mask
files as PSSL ships them) or, as an option, one mask per instance; the CSVs
and the bar chart."""
import csv
import json
import os
import os.path as osp
from typing import Iterator, List, Optional, Sequence, Tuple

import numpy as np

from pixmim_plugin.cli import InputError
from pixmim_plugin.datasets.transforms.load_object_mask import rle_to_mask

# PSSL's files: <root>/train/<wnid>/<image>.JPEG_eiseg.npz, ``arr_0 == 1``
# marking the foreground (PaddleSeg's PSSLDataset reads them so)
PSSL_SUFFIX = '_eiseg.npz'
MASK_SUFFIXES = (PSSL_SUFFIX, '.png')


def _coco_images(ann_file: str, img_root: Optional[str],
                 max_images: Optional[int]) -> Iterator[Tuple[dict, list]]:
    """``(image info, its annotations)`` of a COCO-format file, by image
    id, with ``height`` / ``width`` read from ``img_root`` where the entry
    lacks them."""
    try:
        with open(ann_file, 'rb') as f:
            content = json.load(f)
    except (OSError, ValueError) as error:  # missing, truncated, not JSON
        raise InputError(f'{ann_file}: not a readable JSON file '
                         f'({str(error).splitlines()[0]})') from error
    if not (isinstance(content, dict)
            and {'images', 'annotations'} <= set(content)):
        raise InputError(f'{ann_file}: not COCO instance annotations (no '
                         '"images" and "annotations")')
    images = sorted(content['images'], key=lambda i: i['id'])[:max_images]
    anns = {}
    for ann in content['annotations']:
        anns.setdefault(ann['image_id'], []).append(ann)
    for info in images:
        if img_root is not None:
            path = osp.join(img_root, info['file_name'])
            if not osp.exists(path):
                raise InputError(f"{path} (image {info['id']} of "
                                 f'{ann_file}) not found in img_root')
            if 'height' not in info or 'width' not in info:
                from PIL import Image
                with Image.open(path) as img:
                    info['width'], info['height'] = img.size
        yield info, anns.get(info['id'], [])


def load_coco_objects(ann_file: str,
                      img_root: Optional[str] = None,
                      max_images: Optional[int] = None) -> List[Tuple]:
    """One mask per instance of a COCO-format annotation file (crowd
    regions skipped), for the per-instance measure. Uncompressed RLE (the
    demo set's) is decoded here; polygons and compressed RLE need
    pycocotools.

    Args:
        ann_file (str): The annotation JSON.
        img_root (str, optional): The images' folder; checked to hold every
            image, and read for the size of images whose entry lacks it.
        max_images (int, optional): Only the first images (by id).

    Returns:
        list[tuple]: ``(image_id, annotation_id, mask)``, mask bool (H, W).

    Raises:
        InputError: ``ann_file`` is not COCO-format JSON, or ``img_root``
            lacks one of its images.
    """
    objects = []
    for info, anns in _coco_images(ann_file, img_root, max_images):
        for ann in anns:
            if ann.get('iscrowd', 0):
                continue
            mask = _decode(ann['segmentation'], info['height'], info['width'])
            if mask.any():
                objects.append((info['id'], ann['id'], mask))
    return objects


def load_coco_foregrounds(ann_file: str,
                          img_root: Optional[str] = None,
                          max_images: Optional[int] = None) -> List[Tuple]:
    """One foreground mask per image of a COCO-format annotation file: the
    union of its instance masks, crowd regions included (they are
    foreground too); images without any are left out (their coverage is
    undefined). Arguments as :func:`load_coco_objects`.

    Returns:
        list[tuple]: ``(image_id, 'foreground', mask)``, mask bool (H, W).
    """
    out = []
    for info, anns in _coco_images(ann_file, img_root, max_images):
        mask = np.zeros((info['height'], info['width']), bool)
        for ann in anns:
            mask |= _decode(ann['segmentation'], info['height'], info['width'])
        if mask.any():
            out.append((info['id'], 'foreground', mask))
    return out


def mask_files(root: str, max_images: Optional[int] = None) -> List[str]:
    """The mask files under ``root`` (any depth), sorted: PSSL's
    ``*.JPEG_eiseg.npz`` or PNG masks, one per image.

    Raises:
        FileNotFoundError: If ``root`` holds none.
    """
    files = sorted(
        osp.join(d, f) for d, _, names in os.walk(root) for f in names
        if f.endswith(MASK_SUFFIXES))
    if not files:
        raise FileNotFoundError(f'no mask files ({", ".join(MASK_SUFFIXES)})'
                                f' under {root}')
    return files[:max_images]


def read_mask(path: str) -> np.ndarray:
    """A foreground mask file as bool (H, W): PSSL's ``.npz`` (``arr_0 ==
    1``; its other values are background) or a PNG (nonzero in any channel
    is foreground)."""
    if path.endswith('.npz'):
        with np.load(path) as f:
            return f['arr_0'] == 1
    from PIL import Image
    with Image.open(path) as img:
        array = np.asarray(img)
    return array.any(-1) if array.ndim == 3 else array != 0


def load_mask_folder(
        root: str,
        max_images: Optional[int] = None
) -> Iterator[Tuple[str, str, np.ndarray]]:
    """The foreground masks of a folder (:func:`mask_files`), read one at a
    time (ImageNet's 1.28 M masks do not fit in memory); empty masks are
    skipped (their coverage is undefined).

    Yields:
        tuple: ``(image_id, 'foreground', mask)``: the file's path relative
        to ``root`` without the mask suffix, mask bool (H, W).
    """
    for path in mask_files(root, max_images):
        mask = read_mask(path)
        if not mask.any():
            continue
        name = osp.relpath(path, root)
        for suffix in MASK_SUFFIXES:
            name = name[:-len(suffix)] if name.endswith(suffix) else name
        yield name, 'foreground', mask


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
        errors = [196 * np.nan_to_num(s[f'{key}_sem']) for s in summary]
        bars = ax.bar(
            x + offset, values, 0.4, yerr=errors, label=label, capsize=3)
        ax.bar_label(bars, fmt='%.1f', fontsize=8)
    ax.set_xticks(x, names)
    ax.set_ylabel('foreground area kept (%)')
    ax.set_ylim(0, 105)
    ax.legend(loc='upper right', fontsize=8)
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    os.makedirs(osp.dirname(path) or '.', exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
