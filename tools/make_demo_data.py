"""Write the embedded shapes demo datasets under data/demo/.

    python tools/make_demo_data.py

- ``data/demo/shapes``: classification, mmpretrain's ImageNet layout;
- ``data/demo/coco``: multi-object scenes as a COCO-format instance set
  (``images/{train2017,val2017}``, ``annotations/instances_*.json``);
- ``data/demo/ade/ADEChallengeData2016``: the same kind of scenes in
  ADE20K's layout (``images/``, ``annotations/`` of label maps);
- with ``--robustness`` (for ``make demo-robustness``, about 2 minutes):
  ``data/demo/imagenet-c`` (15 corruptions x 5 severities of the shapes
  validation split), ``data/demo/shapes-texture`` (the texture-labelled
  variant) and ``data/demo/cue-conflict``.
"""
import argparse
import os.path as osp
import time

from pixmim_plugin.datasets.demo_robustness import (write_cue_conflict,
                                                    write_imagenet_c,
                                                    write_texture_variant)
from pixmim_plugin.datasets.demo_shapes import (write_ade, write_coco,
                                                write_imagenet_layout)


def make_robustness(root: str, val_per_class: int, seed: int) -> None:
    """The robustness probes of the shapes set, each written once."""
    corrupted = osp.join(root, 'imagenet-c')
    if not osp.exists(osp.join(corrupted, 'reference_errors.json')):
        n = write_imagenet_c(
            osp.join(root, 'shapes', 'val'),
            corrupted,
            seed,
            per_class=val_per_class)
        print(f'{corrupted}: {n} images')
    texture = osp.join(root, 'shapes-texture')
    if not osp.exists(osp.join(texture, 'meta', 'val.txt')):
        for split, n in (('train', 200), ('val', val_per_class)):
            print(f'{texture} {split}: '
                  f'{write_texture_variant(texture, split, n, seed)} images')
    cue = osp.join(root, 'cue-conflict')
    if not osp.isdir(cue):
        print(f'{cue}: {write_cue_conflict(cue, 2, seed)} images')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--root', default='data/demo')
    parser.add_argument('--train-per-class', type=int, default=200)
    parser.add_argument('--val-per-class', type=int, default=50)
    parser.add_argument(
        '--scenes',
        type=int,
        nargs=2,
        default=(200, 50),
        help='train and val scenes of the COCO / ADE sets')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument(
        '--robustness',
        action='store_true',
        help='also the corrupted, texture-labelled and cue-conflict sets')
    args = parser.parse_args()
    start = time.time()
    shapes = osp.join(args.root, 'shapes')
    if not osp.exists(osp.join(shapes, 'meta', 'val_objects.json')):
        for split, n in (('train', args.train_per_class),
                         ('val', args.val_per_class)):
            records = write_imagenet_layout(shapes, split, n, args.seed)
            print(f'{shapes} {split}: {len(records)} images')
    coco = osp.join(args.root, 'coco')
    if not osp.exists(osp.join(coco, 'annotations', 'instances_val2017.json')):
        for split, n in zip(('train2017', 'val2017'), args.scenes):
            content = write_coco(coco, split, n, args.seed)
            print(f"{coco} {split}: {len(content['images'])} images, "
                  f"{len(content['annotations'])} objects")
    ade = osp.join(args.root, 'ade', 'ADEChallengeData2016')
    if not osp.exists(osp.join(ade, 'annotations', 'validation')):
        for split, n in zip(('training', 'validation'), args.scenes):
            print(f'{ade} {split}: '
                  f'{len(write_ade(ade, split, n, args.seed))} images')
    if args.robustness:
        make_robustness(args.root, args.val_per_class, args.seed)
    print(f'demo data ready under {args.root} ({time.time() - start:.1f}s)')


if __name__ == '__main__':
    main()
