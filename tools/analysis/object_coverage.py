"""How much of the foreground the training crops keep (PixMIM Fig. 3, 6).

    python tools/analysis/object_coverage.py \
        --ann data/demo/coco/annotations/instances_val2017.json \
        --img-root data/demo/coco/images/val2017 \
        --crops rrc src cc --mask-ratio 0.75 --samples 20 \
        --out work_dirs/object_coverage

The paper's measure: one foreground mask per image (``--ann``: the union of
the image's COCO instance masks; ``--masks DIR``: a folder of mask files,
PSSL's ``*.JPEG_eiseg.npz`` or PNGs with nonzero = foreground), every image
counted once. ``--per-instance`` counts every COCO object once instead (not
the paper's measure). For every mask and each crop kind, draws --samples
crops with the transforms of the configs (rrc: MAE's RandomResizedCrop
0.2-1.0, src: PixMIM's SimpleResizedCrop, cc: the linear probe's resize +
centre crop; --config-rrc etc. choose other configs) and a random patch
mask of --mask-ratio for each, and writes DIR/coverage.csv (every draw),
DIR/coverage_summary.csv (per crop: mean J and J masked over the masks,
each mask's draws averaged first, standard errors over the masks, their
ratio, which is 1 - mask ratio in expectation) and DIR/coverage.png. The
defaults run on the demo COCO set (``python tools/make_demo_data.py``).
"""
import argparse
import os.path as osp
from typing import List, Optional

from pixmim_plugin.analysis.coverage_report import (load_coco_foregrounds,
                                                    load_coco_objects,
                                                    load_mask_folder,
                                                    mask_files, plot_coverage,
                                                    write_csv)
from pixmim_plugin.analysis.object_coverage import (CROP_CONFIGS, crop_steps,
                                                    measure, summarise)
from pixmim_plugin.cli import InputError, check_config, check_file, tool_main

DEMO = 'data/demo/coco'


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        '--ann', default=f'{DEMO}/annotations/instances_val2017.json')
    parser.add_argument('--img-root', default=f'{DEMO}/images/val2017')
    parser.add_argument(
        '--masks',
        help='a folder of foreground masks (PSSL .npz or PNG), one per '
        'image, instead of --ann')
    parser.add_argument(
        '--per-instance',
        action='store_true',
        help='one mask per COCO instance, every object counted once (not '
        "the paper's measure)")
    parser.add_argument(
        '--crops',
        nargs='+',
        default=['rrc', 'src', 'cc'],
        choices=['rrc', 'src', 'cc'])
    parser.add_argument('--mask-ratio', type=float, default=0.75)
    parser.add_argument(
        '--samples', type=int, default=20, help='crops per mask and crop kind')
    parser.add_argument(
        '--patch-size',
        type=int,
        help="default: the rrc config's backbone patch size")
    parser.add_argument('--max-images', type=int)
    parser.add_argument('--seed', type=int, default=0)
    for kind, config in CROP_CONFIGS.items():
        parser.add_argument(f'--config-{kind}', default=config)
    parser.add_argument('--out', default='work_dirs/object_coverage')
    args = parser.parse_args(argv)
    if not 0 <= args.mask_ratio < 1:
        parser.error(f'--mask-ratio must be in [0, 1), got {args.mask_ratio}')
    if args.samples < 1:
        parser.error(f'--samples must be >= 1, got {args.samples}')
    if args.masks and args.per_instance:
        parser.error('--per-instance needs COCO instances (--ann), not '
                     '--masks')
    read = set(args.crops)
    if args.patch_size is None:
        read.add('rrc')  # its backbone's patch size
    for kind in sorted(read):
        check_config(getattr(args, f'config_{kind}'), f'--config-{kind}')
    if not args.masks:
        check_file(args.ann, '--ann')
        if not osp.isdir(args.img_root):
            raise InputError(f'--img-root {args.img_root}: no such folder')
    return args


@tool_main
def main(argv: Optional[List[str]] = None) -> None:
    args = parse_args(argv)
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    init_default_scope('mmpretrain')
    crops = {
        kind: crop_steps(getattr(args, f'config_{kind}'), kind)
        for kind in args.crops
    }
    patch = args.patch_size or Config.fromfile(
        args.config_rrc).model.backbone.patch_size
    for kind, steps in crops.items():
        print(f'{kind}: {steps}')
    if args.masks:
        what = f'per-image foreground masks of {args.masks}'
        try:
            total = len(mask_files(args.masks, args.max_images))
        except FileNotFoundError as error:  # none under the folder
            raise InputError(f'--masks {args.masks}: {error}') from None
        masks = load_mask_folder(args.masks, args.max_images)
    else:
        load = load_coco_objects if args.per_instance else \
            load_coco_foregrounds
        what = (f'{"instances" if args.per_instance else "per-image union of"}'
                f' the instance masks of {osp.basename(args.ann)}')
        masks = load(args.ann, args.img_root, args.max_images)
        total = len(masks)
    print(f'{total} masks ({what}), {args.samples} crops each, patch {patch}')
    rows = measure(
        masks,
        crops,
        patch,
        args.mask_ratio,
        args.samples,
        args.seed,
        total=total)
    summary = summarise(rows)
    write_csv(rows, osp.join(args.out, 'coverage.csv'))
    write_csv(summary, osp.join(args.out, 'coverage_summary.csv'))
    plot_coverage(summary, osp.join(args.out, 'coverage.png'), args.mask_ratio,
                  what)
    print(f'\n{what}: mean over {summary[0]["units"]} masks +- standard '
          'error')
    print(f'crop      J (%)         J masked (%)   ratio (expected '
          f'{1 - args.mask_ratio:.2f})')
    for s in summary:
        print(f"{s['crop']:<6} {100 * s['J']:6.1f} +- {100 * s['J_sem']:4.1f}"
              f"   {100 * s['J_masked']:6.1f} +- "
              f"{100 * s['J_masked_sem']:4.1f}   {s['ratio']:.3f}")
    print(f'written to {args.out}')


if __name__ == '__main__':
    main()
