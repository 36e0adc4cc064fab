"""The objects of the shapes demo set as a classification set of their
own: one square crop around each image's object, in mmpretrain's ImageNet
layout. What the demo linear probe and fine-tuning read, and the study's
probe: in a full demo image the object is small next to its textured
ground, and the label is its outline only."""
import json
import os
import os.path as osp
from typing import Sequence

import numpy as np
from PIL import Image


def crop_object(img: np.ndarray,
                bbox: Sequence[float],
                size: int,
                margin: float = 0.15) -> np.ndarray:
    """A square around ``bbox`` (x0, y0, x1, y1), ``margin`` of its longer
    side added on each side, edge-padded where it leaves the image, resized
    to ``size`` (bicubic, PIL).

    Args:
        img (np.ndarray): uint8 (H, W, 3) RGB.
        bbox (Sequence[float]): The object's box in pixels.
        size (int): Side of the returned crop.
        margin (float): Defaults to 0.15.

    Returns:
        np.ndarray: uint8 (size, size, 3).
    """
    x0, y0, x1, y1 = bbox
    side = max(x1 - x0, y1 - y0) * (1 + 2 * margin)
    top = int(round((y0 + y1 - side) / 2))
    left = int(round((x0 + x1 - side) / 2))
    side = int(round(side))
    rows = np.clip(np.arange(top, top + side), 0, img.shape[0] - 1)
    cols = np.clip(np.arange(left, left + side), 0, img.shape[1] - 1)
    square = Image.fromarray(img[np.ix_(rows, cols)])
    return np.asarray(square.resize((size, size), Image.BICUBIC))


def write_object_crops(src: str,
                       dst: str,
                       split: str,
                       size: int = 64,
                       margin: float = 0.15) -> int:
    """Crop every image of ``src/<split>`` (an ImageNet-layout split with
    ``meta/<split>_objects.json``, as the shapes set has) to its object:
    ``dst/<split>/<class>/*.JPEG`` and ``dst/meta/<split>.txt``, same file
    names and labels.

    Returns:
        int: The number of crops written.
    """
    with open(osp.join(src, 'meta', f'{split}_objects.json')) as f:
        records = json.load(f)['images']
    lines = []
    for r in records:
        with Image.open(osp.join(src, split, r['file'])) as img:
            crop = crop_object(
                np.asarray(img.convert('RGB')), r['bbox'], size, margin)
        out = osp.join(dst, split, r['file'])
        os.makedirs(osp.dirname(out), exist_ok=True)
        Image.fromarray(crop).save(out, quality=95)
        lines.append(f"{r['file']} {r['label']}")
    os.makedirs(osp.join(dst, 'meta'), exist_ok=True)
    with open(osp.join(dst, 'meta', f'{split}.txt'), 'w') as f:
        f.write('\n'.join(lines) + '\n')
    return len(lines)
