"""Save what a trained model makes of a few images.

    python tools/visualize_reconstruction.py CONFIG WORK_DIR_OR_CHECKPOINT \
        --out reconstruction.png

MAE / PixMIM: original, masked input, target, reconstruction. MFM: original,
corrupted input, prediction and their log-amplitude spectra, for low-pass
and high-pass corruptions. Checkpoints load weights-only, mmengine training
checkpoints included (their runner state through a narrow allowlist);
--trust unpickles in full, only for your own files that hold more.
"""
import argparse
from typing import List, Optional

import torch
from mmengine.config import DictAction

from pixmim_plugin.analysis import (build_trained_model, first_of_each_class,
                                    load_inputs, mfm_examples, reconstruct,
                                    save_mfm_grid, save_reconstruction_grid)
from pixmim_plugin.cli import (check_checkpoint_path, check_config, check_file,
                               check_image_root, tool_main)
from pixmim_plugin.models import MFM


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
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
    parser.add_argument(
        '--trust',
        action='store_true',
        help='load checkpoints in full (mmengine training checkpoints '
        'load weights-only without it)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    args = parser.parse_args(argv)
    check_config(args.config)
    check_checkpoint_path(args.checkpoint)
    for image in args.images or []:
        check_file(image, '--images:')
    return args


@tool_main
def main(argv: Optional[List[str]] = None) -> None:
    args = parse_args(argv)
    cfg, model = build_trained_model(args.config, args.checkpoint,
                                     args.cfg_options, args.trust)
    root = cfg.train_dataloader.dataset.get('data_root')
    if not args.images and root:
        check_image_root(  # first_of_each_class reads its val split
            root,
            'val',
            name=f'the data_root of {args.config},',
            hint='pass --images, or another root with --cfg-options '
            'train_dataloader.dataset.data_root=DIR')
    files = (args.images or first_of_each_class(cfg))[:args.num]
    inputs = load_inputs(model, files, cfg.model.backbone.get('img_size', 224))
    torch.manual_seed(args.seed)
    pre = model.data_preprocessor
    if isinstance(model, MFM):
        half = (len(files) + 1) // 2
        high = inputs[half:] if len(files) > 1 else inputs
        rows = {
            'low-pass': mfm_examples(model, inputs[:half], low_pass=True),
            'high-pass': mfm_examples(model, high, low_pass=False)
        }
        save_mfm_grid(rows, pre.mean, pre.std, args.out)
    else:
        save_reconstruction_grid(
            reconstruct(model, inputs), pre.mean, pre.std, args.out)
    print(f'saved {len(files)} images to {args.out}')


if __name__ == '__main__':
    main()
