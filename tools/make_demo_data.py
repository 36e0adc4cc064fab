"""Write the embedded shapes demo dataset in mmpretrain's ImageNet layout.

    python tools/make_demo_data.py --out data/demo/shapes
"""
import argparse
import os.path as osp
import time

from pixmim_plugin.datasets.demo_shapes import write_imagenet_layout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--out', default='data/demo/shapes')
    parser.add_argument('--train-per-class', type=int, default=200)
    parser.add_argument('--val-per-class', type=int, default=50)
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args()
    if osp.exists(osp.join(args.out, 'meta', 'val_objects.json')):
        print(f'{args.out} exists, nothing to do')
        return
    start = time.time()
    for split, n in (('train', args.train_per_class), ('val',
                                                       args.val_per_class)):
        records = write_imagenet_layout(args.out, split, n, args.seed)
        print(f'{split}: {len(records)} images')
    print(f'wrote {args.out} in {time.time() - start:.1f}s')


if __name__ == '__main__':
    main()
