"""How much of each object the training crops keep (PixMIM Fig. 3 and 6).

    python tools/analysis/object_coverage.py \
        --ann data/demo/coco/annotations/instances_val2017.json \
        --img-root data/demo/coco/images/val2017 \
        --crops rrc src cc --mask-ratio 0.75 --samples 20 \
        --out work_dirs/object_coverage

For every object (instance mask) and each crop kind, draws --samples crops
with the transforms of the configs (rrc: MAE's RandomResizedCrop 0.2-1.0,
src: PixMIM's SimpleResizedCrop, cc: the linear probe's resize + centre
crop; --config-rrc etc. choose other configs) and a random patch mask of
--mask-ratio for each, and writes DIR/coverage.csv (every draw),
DIR/coverage_summary.csv (mean J and J masked per crop, standard errors,
their ratio, which is 1 - mask ratio in expectation) and DIR/coverage.png.
The defaults run on the demo COCO set (``python tools/make_demo_data.py``).
"""
import argparse
import os.path as osp

from pixmim_plugin.analysis.coverage_report import (load_coco_objects,
                                                    plot_coverage, write_csv)
from pixmim_plugin.analysis.object_coverage import (CROP_CONFIGS, crop_steps,
                                                    measure, summarise)

DEMO = 'data/demo/coco'


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        '--ann', default=f'{DEMO}/annotations/instances_val2017.json')
    parser.add_argument('--img-root', default=f'{DEMO}/images/val2017')
    parser.add_argument(
        '--crops',
        nargs='+',
        default=['rrc', 'src', 'cc'],
        choices=['rrc', 'src', 'cc'])
    parser.add_argument('--mask-ratio', type=float, default=0.75)
    parser.add_argument(
        '--samples',
        type=int,
        default=20,
        help='crops per object and crop kind')
    parser.add_argument(
        '--patch-size',
        type=int,
        help="default: the rrc config's backbone patch size")
    parser.add_argument('--max-images', type=int)
    parser.add_argument('--seed', type=int, default=0)
    for kind, config in CROP_CONFIGS.items():
        parser.add_argument(f'--config-{kind}', default=config)
    parser.add_argument('--out', default='work_dirs/object_coverage')
    args = parser.parse_args()
    if not 0 <= args.mask_ratio < 1:
        parser.error(f'--mask-ratio must be in [0, 1), got {args.mask_ratio}')
    if args.samples < 1:
        parser.error(f'--samples must be >= 1, got {args.samples}')
    return args


def main() -> None:
    args = parse_args()
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
    objects = load_coco_objects(args.ann, args.img_root, args.max_images)
    print(f'{len(objects)} objects, {args.samples} crops each, patch {patch}')
    rows = measure(objects, crops, patch, args.mask_ratio, args.samples,
                   args.seed)
    summary = summarise(rows)
    write_csv(rows, osp.join(args.out, 'coverage.csv'))
    write_csv(summary, osp.join(args.out, 'coverage_summary.csv'))
    plot_coverage(summary, osp.join(args.out, 'coverage.png'), args.mask_ratio,
                  osp.basename(args.ann))
    print(f'\ncrop      J (%)         J masked (%)   ratio (expected '
          f'{1 - args.mask_ratio:.2f})')
    for s in summary:
        print(f"{s['crop']:<6} {100 * s['J']:6.1f} +- {100 * s['J_sem']:4.1f}"
              f"   {100 * s['J_masked']:6.1f} +- "
              f"{100 * s['J_masked_sem']:4.1f}   {s['ratio']:.3f}")
    print(f'written to {args.out}')


if __name__ == '__main__':
    main()
