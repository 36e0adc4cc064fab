"""A deterministic, laptop-sized dataset whose classes are object *shapes*.

Every image shows one object of a known shape on a background; the
textures and colours of object and background are drawn independently of
the class, so only the shape tells the classes apart. A model that
classifies these images well has learnt shape, not texture, which makes the
set a small probe of the shape bias PixMIM is about.

:func:`render_image` draws one image from a seed and returns the per-object
masks and boxes with it; :func:`write_imagenet_layout` writes a split in
mmpretrain's ImageNet layout together with those annotations;
:func:`write_coco` and :func:`write_ade` write multi-object scenes of the
same kind as a COCO-format instance set and an ADE20K-layout semantic set.
"""
import json
import math
import os
import os.path as osp
import zlib
from typing import Dict, List, Sequence, Tuple

import numpy as np
from PIL import Image

CLASSES = ('circle', 'ring', 'square', 'triangle', 'star', 'cross', 'crescent',
           'ellipse')
SIZES = ((80, 96), (96, 80), (88, 88), (72, 104))  # (H, W)
TEXTURES = ('solid', 'stripes', 'checker', 'noise', 'dots')


def _regular_polygon(r: np.ndarray, theta: np.ndarray, n: int) -> np.ndarray:
    """Inside a regular n-gon of circumradius 1, in polar coordinates."""
    sector = 2 * math.pi / n
    edge = math.cos(math.pi / n) / np.cos(np.mod(theta, sector) - sector / 2)
    return r < edge


def shape_mask(name: str, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Boolean mask of shape ``name`` in normalised object coordinates
    (``x, y`` in [-1, 1] cover the object's box before rotation)."""
    r = np.hypot(x, y)
    theta = np.arctan2(y, x)
    if name == 'circle':
        return r < 0.95
    if name == 'ring':
        return (r < 0.95) & (r > 0.55)
    if name == 'square':
        return np.maximum(np.abs(x), np.abs(y)) < 0.75
    if name == 'triangle':
        return _regular_polygon(r, theta + math.pi / 2, 3) & (r < 1)
    if name == 'star':
        sector = 2 * math.pi / 5
        tooth = np.abs(np.mod(theta, sector) / sector - 0.5) * 2
        return r < 0.4 + 0.6 * tooth
    if name == 'cross':
        ax, ay = np.abs(x), np.abs(y)
        return ((ax < 0.3) & (ay < 0.9)) | ((ay < 0.3) & (ax < 0.9))
    if name == 'crescent':
        return (r < 0.9) & (np.hypot(x - 0.45, y) > 0.7)
    if name == 'ellipse':
        return (x / 0.95)**2 + (y / 0.5)**2 < 1
    raise ValueError(f'unknown shape {name!r}; known: {CLASSES}')


def _texture(rng: np.random.Generator,
             h: int,
             w: int,
             kind: str = None,
             colours: np.ndarray = None) -> np.ndarray:
    """A random texture in two random colours, float (h, w, 3) in [0, 1];
    ``kind`` and ``colours`` (2, 3) fix those draws when given."""
    if colours is None:
        colours = rng.uniform(0, 1, (2, 3))
    if kind is None:
        kind = TEXTURES[rng.integers(len(TEXTURES))]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    if kind == 'solid':
        t = np.zeros((h, w), np.float32)
    elif kind == 'stripes':
        angle, period = rng.uniform(0, math.pi), rng.uniform(3, 10)
        phase = (xx * math.cos(angle) + yy * math.sin(angle)) / period
        t = (np.mod(phase, 1) < 0.5).astype(np.float32)
    elif kind == 'checker':
        cell = rng.integers(3, 9)
        t = ((xx // cell + yy // cell) % 2).astype(np.float32)
    elif kind == 'noise':
        coarse = rng.uniform(0, 1, (h // 4 + 2, w // 4 + 2))
        t = np.asarray(
            Image.fromarray(coarse.astype(np.float32)).resize((w, h),
                                                              Image.BILINEAR))
    else:  # dots
        period = rng.uniform(4, 9)
        t = (
            np.hypot(
                np.mod(xx, period) - period / 2,
                np.mod(yy, period) - period / 2) < period / 4)
        t = t.astype(np.float32)
    return colours[0] * (1 - t[..., None]) + colours[1] * t[..., None]


def render_scene(
    seed: int,
    labels: Sequence[int],
    size: Tuple[int, int] = None,
    scale: Tuple[float, float] = (0.25, 0.42)
) -> Tuple[np.ndarray, List[Dict]]:
    """Draw objects of classes ``labels`` (later ones in front) on a
    textured background, deterministically from ``seed``.

    Args:
        seed (int): Seed of everything random in this image.
        labels (Sequence[int]): Indices into :data:`CLASSES`.
        size (tuple[int, int], optional): ``(H, W)``; drawn from
            :data:`SIZES` when None.
        scale (tuple[float, float]): Range of an object's radius, relative
            to the shorter side.

    Returns:
        tuple: ``img`` uint8 (H, W, 3) RGB, and one dict per object with
        ``label``, ``mask`` bool (H, W) of its *visible* pixels and ``bbox``
        ``[x0, y0, x1, y1]`` (pixel edges, exclusive end; None if hidden).
    """
    rng = np.random.default_rng(seed)
    h, w = size or SIZES[rng.integers(len(SIZES))]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32) + 0.5
    img = _texture(rng, h, w)
    objects = []
    for label in labels:
        radius = rng.uniform(*scale) * min(h, w)
        cx = rng.uniform(radius, w - radius)
        cy = rng.uniform(radius, h - radius)
        angle = rng.uniform(0, 2 * math.pi)
        dx, dy = (xx - cx) / radius, (yy - cy) / radius
        x = dx * math.cos(angle) + dy * math.sin(angle)
        y = -dx * math.sin(angle) + dy * math.cos(angle)
        mask = shape_mask(CLASSES[label], x, y)
        img = np.where(mask[..., None], _texture(rng, h, w), img)
        for behind in objects:
            behind['mask'] &= ~mask
        objects.append(dict(label=int(label), mask=mask))
    for obj in objects:
        ys, xs = np.nonzero(obj['mask'])
        obj['bbox'] = None if len(xs) == 0 else [
            int(xs.min()),
            int(ys.min()),
            int(xs.max()) + 1,
            int(ys.max()) + 1
        ]
    return np.clip(img * 255 + 0.5, 0, 255).astype(np.uint8), objects


def render_image(seed: int,
                 label: int,
                 size: Tuple[int, int] = None) -> Tuple[np.ndarray, Dict]:
    """One object of class ``label``: :func:`render_scene` with one label.

    Returns:
        tuple: ``img`` uint8 (H, W, 3) RGB and the object's dict.
    """
    img, objects = render_scene(seed, [label], size)
    return img, objects[0]


def mask_to_rle(mask: np.ndarray) -> Dict:
    """COCO's uncompressed RLE of a boolean mask (column-major runs,
    starting with a run of zeros)."""
    flat = np.asfortranarray(mask).reshape(-1, order='F').astype(np.int8)
    change = np.flatnonzero(np.diff(flat)) + 1
    bounds = np.concatenate([[0], change, [flat.size]])
    counts = np.diff(bounds).tolist()
    if flat[0]:
        counts = [0] + counts
    return dict(size=list(mask.shape), counts=counts)


def write_imagenet_layout(root: str,
                          split: str,
                          per_class: int,
                          seed: int = 0,
                          classes: Sequence[str] = CLASSES) -> List[Dict]:
    """Write ``root/<split>/<class>/*.JPEG``, ``root/meta/<split>.txt`` and
    ``root/meta/<split>_objects.json`` (masks as COCO RLE, boxes).

    Returns:
        list[dict]: One record per image: ``file``, ``label``, ``bbox``,
        ``segmentation``, ``height``, ``width``.
    """
    records, lines = [], []
    for label, name in enumerate(classes):
        os.makedirs(osp.join(root, split, name), exist_ok=True)
        for i in range(per_class):
            img, obj = render_image(
                _image_seed(seed, split, label, i), CLASSES.index(name))
            file = f'{name}/{name}_{i:05d}.JPEG'
            Image.fromarray(img).save(osp.join(root, split, file), quality=90)
            lines.append(f'{file} {label}')
            records.append(
                dict(
                    file=file,
                    label=label,
                    height=img.shape[0],
                    width=img.shape[1],
                    bbox=obj['bbox'],
                    segmentation=mask_to_rle(obj['mask'])))
    os.makedirs(osp.join(root, 'meta'), exist_ok=True)
    with open(osp.join(root, 'meta', f'{split}.txt'), 'w') as f:
        f.write('\n'.join(lines) + '\n')
    with open(osp.join(root, 'meta', f'{split}_objects.json'), 'w') as f:
        json.dump(dict(classes=list(classes), images=records), f)
    return records


def _image_seed(*parts) -> int:
    """A seed from ints and split names (hashed stably with CRC-32)."""
    ints = [zlib.crc32(p.encode()) if isinstance(p, str) else p for p in parts]
    return int(np.random.SeedSequence(ints).generate_state(1)[0])


def _scene(seed: int, split: str, index: int, max_objects: int):
    rng = np.random.default_rng(_image_seed(seed, 7, split, index))
    labels = rng.integers(len(CLASSES), size=rng.integers(1, max_objects + 1))
    return render_scene(
        _image_seed(seed, 8, split, index),
        labels,
        size=(96, 128),
        scale=(0.15, 0.3))


def write_coco(root: str,
               split: str,
               num_images: int,
               seed: int = 0,
               max_objects: int = 3,
               min_area: int = 16) -> Dict:
    """A COCO-format instance set of multi-object scenes:
    ``root/images/<split>/*.jpg`` and ``root/annotations/
    instances_<split>.json`` (boxes ``[x, y, w, h]``, visible masks as
    uncompressed RLE, category ids 1..8 in :data:`CLASSES` order). Objects
    with fewer than ``min_area`` visible pixels are left out.

    Returns:
        dict: The annotation file's content.
    """
    os.makedirs(osp.join(root, 'images', split), exist_ok=True)
    os.makedirs(osp.join(root, 'annotations'), exist_ok=True)
    images, annotations = [], []
    for i in range(num_images):
        img, objects = _scene(seed, split, i, max_objects)
        file = f'{i:06d}.jpg'
        Image.fromarray(img).save(
            osp.join(root, 'images', split, file), quality=90)
        images.append(
            dict(
                id=i, file_name=file, height=img.shape[0], width=img.shape[1]))
        for obj in objects:
            area = int(obj['mask'].sum())
            if area < min_area:
                continue
            x0, y0, x1, y1 = obj['bbox']
            annotations.append(
                dict(
                    id=len(annotations) + 1,
                    image_id=i,
                    category_id=obj['label'] + 1,
                    bbox=[x0, y0, x1 - x0, y1 - y0],
                    area=area,
                    segmentation=mask_to_rle(obj['mask']),
                    iscrowd=0))
    content = dict(
        images=images,
        annotations=annotations,
        categories=[
            dict(id=i + 1, name=name) for i, name in enumerate(CLASSES)
        ])
    with open(osp.join(root, 'annotations', f'instances_{split}.json'),
              'w') as f:
        json.dump(content, f)
    return content


def write_ade(root: str,
              split: str,
              num_images: int,
              seed: int = 0,
              max_objects: int = 3) -> List[str]:
    """An ADE20K-layout semantic set of the same kind of scenes:
    ``root/images/<split>/*.jpg`` and ``root/annotations/<split>/*.png``
    (uint8 label maps: 0 background, ``k + 1`` for :data:`CLASSES` ``[k]``;
    ``split`` is 'training' or 'validation' as in ADEChallengeData2016).

    Returns:
        list[str]: The image file names.
    """
    for sub in ('images', 'annotations'):
        os.makedirs(osp.join(root, sub, split), exist_ok=True)
    files = []
    for i in range(num_images):
        img, objects = _scene(seed, split, i, max_objects)
        label_map = np.zeros(img.shape[:2], np.uint8)
        for obj in objects:
            label_map[obj['mask']] = obj['label'] + 1
        name = f'{i:06d}'
        Image.fromarray(img).save(
            osp.join(root, 'images', split, name + '.jpg'), quality=90)
        Image.fromarray(label_map).save(
            osp.join(root, 'annotations', split, name + '.png'))
        files.append(name + '.jpg')
    return files
