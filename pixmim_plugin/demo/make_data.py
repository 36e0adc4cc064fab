"""Every demo set under one root, each written once: what
``tools/make_demo_data.py`` (``make demo-data``) runs.

Under ``root`` (``data/demo``):

- ``shapes``: classification, mmpretrain's ImageNet layout
  (:func:`~.shapes.write_imagenet_layout`), what the demo pre-trains on;
- ``shapes-objects``: each shapes image cropped to its object, same
  layout (:func:`~.object_crops.write_object_crops`), what the demo
  linear probe and fine-tuning classify;
- ``coco``: multi-object scenes as a COCO-format instance set
  (``images/{train2017,val2017}``, ``annotations/instances_*.json``;
  :func:`~.shapes.write_coco`);
- ``ade/ADEChallengeData2016``: the same kind of scenes in ADE20K's layout
  (``images/``, ``annotations/`` of label maps; :func:`~.shapes.write_ade`);
- with ``robustness`` (about 2 minutes): ``imagenet-c`` (15 corruptions x 5
  severities of the shapes-objects validation split), ``shapes-texture`` (the
  texture-labelled variant) and ``cue-conflict``
  (:mod:`.robustness_sets`).

A set whose last file exists is skipped, so a rerun costs nothing.
"""
import os.path as osp
import time
from typing import Callable, Tuple

from .object_crops import write_object_crops
from .robustness_sets import (write_cue_conflict, write_imagenet_c,
                              write_texture_variant)
from .shapes import write_ade, write_coco, write_imagenet_layout


def make_robustness_sets(root: str,
                         val_per_class: int = 50,
                         seed: int = 0,
                         log: Callable[[str], None] = print) -> None:
    """The robustness probes of the shapes set under ``root``, each
    written once: ``imagenet-c`` (from ``root/shapes-objects/val``, which
    must exist), ``shapes-texture`` (200 train images per class) and
    ``cue-conflict`` (2 per shape-texture pair).

    Args:
        root (str): The demo data root.
        val_per_class (int): Validation images per class, of the corrupted
            copy and of the texture-labelled variant. Defaults to 50.
        seed (int): Seed of the sets. Defaults to 0.
        log (Callable[[str], None]): Told what each set wrote. Defaults to
            :func:`print`.
    """
    corrupted = osp.join(root, 'imagenet-c')
    if not osp.exists(osp.join(corrupted, 'reference_errors.json')):
        n = write_imagenet_c(
            osp.join(root, 'shapes-objects', 'val'),
            corrupted,
            seed,
            per_class=val_per_class)
        log(f'{corrupted}: {n} images')
    texture = osp.join(root, 'shapes-texture')
    if not osp.exists(osp.join(texture, 'meta', 'val.txt')):
        for split, n in (('train', 200), ('val', val_per_class)):
            log(f'{texture} {split}: '
                f'{write_texture_variant(texture, split, n, seed)} images')
    cue = osp.join(root, 'cue-conflict')
    if not osp.isdir(cue):
        log(f'{cue}: {write_cue_conflict(cue, 2, seed)} images')


def make_demo_data(root: str = 'data/demo',
                   train_per_class: int = 200,
                   val_per_class: int = 50,
                   scenes: Tuple[int, int] = (200, 50),
                   seed: int = 0,
                   robustness: bool = False,
                   log: Callable[[str], None] = print) -> None:
    """Write the shapes, shapes-objects, COCO and ADE demo sets under
    ``root``, and the robustness sets with ``robustness``, each once.

    Args:
        root (str): Where to write. Defaults to ``'data/demo'``.
        train_per_class (int): Shapes train images per class. Defaults to
            200.
        val_per_class (int): Shapes validation images per class. Defaults
            to 50.
        scenes (tuple[int, int]): Train and validation scenes of the COCO
            and ADE sets. Defaults to ``(200, 50)``.
        seed (int): Seed of every set. Defaults to 0.
        robustness (bool): Also :func:`make_robustness_sets`. Defaults to
            False.
        log (Callable[[str], None]): Told what each set wrote. Defaults to
            :func:`print`.
    """
    start = time.time()
    shapes = osp.join(root, 'shapes')
    if not osp.exists(osp.join(shapes, 'meta', 'val_objects.json')):
        for split, n in (('train', train_per_class), ('val', val_per_class)):
            records = write_imagenet_layout(shapes, split, n, seed)
            log(f'{shapes} {split}: {len(records)} images')
    objects = osp.join(root, 'shapes-objects')
    if not osp.exists(osp.join(objects, 'meta', 'val.txt')):
        for split in ('train', 'val'):
            n = write_object_crops(shapes, objects, split)
            log(f'{objects} {split}: {n} images')
    coco = osp.join(root, 'coco')
    if not osp.exists(osp.join(coco, 'annotations', 'instances_val2017.json')):
        for split, n in zip(('train2017', 'val2017'), scenes):
            content = write_coco(coco, split, n, seed)
            log(f"{coco} {split}: {len(content['images'])} images, "
                f"{len(content['annotations'])} objects")
    ade = osp.join(root, 'ade', 'ADEChallengeData2016')
    if not osp.exists(osp.join(ade, 'annotations', 'validation')):
        for split, n in zip(('training', 'validation'), scenes):
            log(f'{ade} {split}: '
                f'{len(write_ade(ade, split, n, seed))} images')
    if robustness:
        make_robustness_sets(root, val_per_class, seed, log)
    log(f'demo data ready under {root} ({time.time() - start:.1f}s)')
