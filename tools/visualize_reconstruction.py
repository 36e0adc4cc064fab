"""Save original / masked input / target / reconstruction of a trained
MAE or PixMIM model for a few images.

    python tools/visualize_reconstruction.py CONFIG WORK_DIR_OR_CHECKPOINT \
        --out reconstruction.png

The checkpoint is loaded in full (it holds the runner's state besides the
weights): pass only checkpoints you trust, such as your own run's.
"""
import argparse
import os.path as osp

import torch
from mmengine.config import Config, DictAction
from mmengine.dataset import Compose, default_collate
from mmengine.registry import init_default_scope
from mmengine.runner import find_latest_checkpoint, load_checkpoint
from mmpretrain.registry import DATASETS, MODELS

from pixmim_plugin.analysis import reconstruct, save_reconstruction_grid
from pixmim_plugin.engine import trusted_checkpoint_dir


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint', help='a checkpoint or a work_dir')
    parser.add_argument('--out', default='reconstruction.png')
    parser.add_argument(
        '--images',
        nargs='*',
        help='image files; by '
        'default the first of each class of the val split')
    parser.add_argument('--num', type=int, default=8)
    parser.add_argument('--seed', type=int, default=0, help='of the masks')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmpretrain'))
    checkpoint = args.checkpoint
    if osp.isdir(checkpoint):
        checkpoint = find_latest_checkpoint(checkpoint)
        if checkpoint is None:
            raise FileNotFoundError(f'no checkpoint in {args.checkpoint}')
    if cfg.get('data_preprocessor'):  # as the Runner does
        cfg.model.setdefault('data_preprocessor', cfg.data_preprocessor)
    model = MODELS.build(cfg.model).eval()
    with trusted_checkpoint_dir(osp.dirname(osp.abspath(checkpoint))):
        load_checkpoint(model, checkpoint, map_location='cpu')

    size = cfg.model.backbone.get('img_size', 224)
    pipeline = Compose([
        dict(type='LoadImageFromFile'),
        dict(type='ResizeEdge', scale=size, edge='short'),
        dict(type='CenterCrop', crop_size=size),
        dict(type='PackInputs'),
    ])
    files = args.images
    if not files:
        dataset_cfg = cfg.train_dataloader.dataset.copy()
        dataset_cfg.update(split='val', pipeline=[])
        data = DATASETS.build(dataset_cfg)
        seen, files = set(), []
        for info in map(data.get_data_info, range(len(data))):
            if info['gt_label'] not in seen:
                seen.add(info['gt_label'])
                files.append(info['img_path'])
    files = files[:args.num]
    batch = default_collate([pipeline(dict(img_path=f)) for f in files])
    inputs = model.data_preprocessor(batch)['inputs']
    torch.manual_seed(args.seed)
    images = reconstruct(model, inputs)
    save_reconstruction_grid(images, model.data_preprocessor.mean,
                             model.data_preprocessor.std, args.out)
    print(f'saved {len(files)} images to {args.out}')


if __name__ == '__main__':
    main()
