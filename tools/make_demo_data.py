"""Write the embedded shapes demo datasets under data/demo/.

    python tools/make_demo_data.py

- ``data/demo/shapes``: classification, mmpretrain's ImageNet layout;
- ``data/demo/coco``: multi-object scenes as a COCO-format instance set
  (``images/{train2017,val2017}``, ``annotations/instances_*.json``);
- ``data/demo/ade/ADEChallengeData2016``: the same kind of scenes in
  ADE20K's layout (``images/``, ``annotations/`` of label maps).
"""
import argparse
import os.path as osp
import time

from pixmim_plugin.datasets.demo_shapes import (write_ade, write_coco,
                                                write_imagenet_layout)


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
    print(f'demo data ready under {args.root} ({time.time() - start:.1f}s)')


if __name__ == '__main__':
    main()
