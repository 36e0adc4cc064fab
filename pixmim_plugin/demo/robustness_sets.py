"""Robustness probes of the shapes demo: an ImageNet-C-style corrupted copy
of its validation split, a texture-labelled variant and cue-conflict
stimuli.

In the demo set (:mod:`.shapes`) textures are drawn independently of
the class, so only shape predicts the label. Here each class also owns a
texture (:data:`CLASS_TEXTURES`: a pattern and a colour pair). The
*texture-labelled* variant draws a random shape filled with the texture of
its label, so a model trained on it can only use texture. A cue-conflict
stimulus ``<shape>N-<texture>M.png`` is the shape of one class filled with
the texture of another on a plain grey ground: a model trained on the demo
set (shape-biased by construction) answers the shape, one trained on the
texture-labelled variant answers the texture, and :class:`ShapeBias` tells
them apart.
"""
import colorsys
import json
import math
import os
import os.path as osp
from typing import Dict, Sequence

import numpy as np
from PIL import Image

from pixmim_plugin.datasets.imagenet_c import CORRUPTIONS
from .corruptions import corrupt
from .shapes import CLASSES, _image_seed, _texture, shape_mask


def _class_texture(label: int) -> Dict:
    """Pattern and colour pair of class ``label``: hue ``label / 8``,
    light on dark."""
    hue = label / len(CLASSES)
    colours = np.array([
        colorsys.hsv_to_rgb(hue, 0.9, 0.95),
        colorsys.hsv_to_rgb((hue + 0.08) % 1, 0.8, 0.35)
    ])
    kind = ('stripes', 'checker', 'dots', 'noise')[label % 4]
    return dict(kind=kind, colours=colours)


CLASS_TEXTURES = tuple(_class_texture(k) for k in range(len(CLASSES)))
GROUND = 0.5  # the grey around cue-conflict objects


def render_textured_shape(seed: int,
                          shape: int,
                          texture: int,
                          size: int = 64) -> np.ndarray:
    """The shape of class ``shape`` filled with the texture of class
    ``texture``, rotated and placed at random, on grey.

    Returns:
        np.ndarray: uint8 (size, size, 3) RGB.
    """
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) + 0.5
    radius = rng.uniform(0.3, 0.42) * size
    cx, cy = rng.uniform(radius, size - radius, 2)
    angle = rng.uniform(0, 2 * math.pi)
    dx, dy = (xx - cx) / radius, (yy - cy) / radius
    x = dx * math.cos(angle) + dy * math.sin(angle)
    y = -dx * math.sin(angle) + dy * math.cos(angle)
    mask = shape_mask(CLASSES[shape], x, y)
    fill = _texture(rng, size, size, **CLASS_TEXTURES[texture])
    img = np.where(mask[..., None], fill, GROUND)
    return np.clip(img * 255 + 0.5, 0, 255).astype(np.uint8)


def write_cue_conflict(root: str, per_pair: int = 2, seed: int = 0) -> int:
    """``root/<shape>/<shape>N-<texture>M.png`` for every (shape, texture)
    pair of the demo classes, ``per_pair`` each (shape == texture included,
    as in the real set, where the dataset drops them).

    Returns:
        int: The number of images written.
    """
    count = 0
    for s, shape in enumerate(CLASSES):
        os.makedirs(osp.join(root, shape), exist_ok=True)
        for t, texture in enumerate(CLASSES):
            for i in range(per_pair):
                img = render_textured_shape(
                    _image_seed(seed, 'cue', s, t, i), s, t)
                name = f'{shape}{i + 1}-{texture}{t * per_pair + i + 1}.png'
                Image.fromarray(img).save(osp.join(root, shape, name))
                count += 1
    return count


def write_texture_variant(root: str,
                          split: str,
                          per_class: int,
                          seed: int = 0) -> int:
    """The texture-labelled variant in mmpretrain's ImageNet layout
    (``root/<split>/<class>/*.JPEG``, ``root/meta/<split>.txt``): label
    ``k`` is the texture of class ``k`` on a random shape.

    Returns:
        int: The number of images written.
    """
    lines = []
    for label, name in enumerate(CLASSES):
        os.makedirs(osp.join(root, split, name), exist_ok=True)
        for i in range(per_class):
            image_seed = _image_seed(seed, 'texture', split, label, i)
            shape = np.random.default_rng(image_seed).integers(len(CLASSES))
            img = render_textured_shape(image_seed + 1, int(shape), label)
            file = f'{name}/{name}_{i:05d}.JPEG'
            Image.fromarray(img).save(osp.join(root, split, file), quality=95)
            lines.append(f'{file} {label}')
    os.makedirs(osp.join(root, 'meta'), exist_ok=True)
    with open(osp.join(root, 'meta', f'{split}.txt'), 'w') as f:
        f.write('\n'.join(lines) + '\n')
    return len(lines)


def write_imagenet_c(src: str,
                     root: str,
                     seed: int = 0,
                     corruptions: Sequence[str] = CORRUPTIONS,
                     severities: Sequence[int] = (1, 2, 3, 4, 5),
                     per_class: int = None) -> int:
    """Corrupted copies of ``src/<class>/*.JPEG`` (the demo validation
    split) as ``root/<corruption>/<severity>/<class>/*.JPEG``, and
    ``root/reference_errors.json``: chance error ``1 - 1/8`` for every
    corruption, the demo's stand-in for AlexNet's errors (a CE of 100 is
    chance level).

    Args:
        src (str): The folder of class folders.
        root (str): Where to write.
        seed (int): Seed of the corruptions' randomness.
        corruptions (Sequence[str]): Defaults to the 15.
        severities (Sequence[int]): Defaults to 1..5.
        per_class (int, optional): Only the first images of each class.

    Returns:
        int: The number of images written.
    """
    count = 0
    for label, name in enumerate(CLASSES):
        files = sorted(os.listdir(osp.join(src, name)))[:per_class]
        for i, file in enumerate(files):
            img = np.asarray(
                Image.open(osp.join(src, name, file)).convert('RGB'))
            for c, corruption in enumerate(corruptions):
                for severity in severities:
                    rng = np.random.default_rng(
                        _image_seed(seed, 'c', label, i, c, severity))
                    out = osp.join(root, corruption, str(severity), name)
                    os.makedirs(out, exist_ok=True)
                    Image.fromarray(corrupt(img, corruption, severity,
                                            rng)).save(
                                                osp.join(out, file),
                                                quality=95)
                    count += 1
    with open(osp.join(root, 'reference_errors.json'), 'w') as f:
        json.dump({c: 1 - 1 / len(CLASSES) for c in CORRUPTIONS}, f, indent=1)
    return count
