"""The PixMIM radius that keeps a fraction of the data's spectral energy.

    python tools/analysis/choose_radius.py --data-root data/demo/shapes \
        --folder train --num-images 512 --sizes 112 224 448 \
        --fractions 0.8 0.9 --out work_dirs/choose_radius

For each size (shorter edge resized, centre crop) prints the smallest disc
radius keeping each fraction of the energy (zero frequency excluded unless
--include-dc), in bins at that size and at --ref-size (the value for
``LowFreqTargetGenerator(radius=..., ref_size=224)``), and writes the
energy curves to DIR/energy_curve.png and DIR/radius.csv. With --config, the
data root and image size come from the config.
"""
import argparse
import csv
import os
import os.path as osp
from typing import List, Optional

from mmengine.config import Config, DictAction

from pixmim_plugin.analysis import image_files
from pixmim_plugin.analysis.spectral_energy import (dataset_energy,
                                                    kept_fraction,
                                                    radius_for_fraction,
                                                    save_energy_curves,
                                                    to_reference)
from pixmim_plugin.cli import check_config, check_image_root, tool_main


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--config', help='take data root and size from it')
    parser.add_argument('--data-root')
    parser.add_argument('--folder', default='train')
    parser.add_argument('--num-images', type=int, default=512)
    parser.add_argument('--sizes', type=int, nargs='+')
    parser.add_argument('--fractions', type=float, nargs='+', default=[0.9])
    parser.add_argument('--ref-size', type=int, default=224)
    parser.add_argument('--include-dc', action='store_true')
    parser.add_argument('--out', default='work_dirs/choose_radius')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    args = parser.parse_args(argv)
    if args.config:
        cfg = Config.fromfile(check_config(args.config, '--config'))
        if args.cfg_options:
            cfg.merge_from_dict(args.cfg_options)
        args.data_root = args.data_root or (
            cfg.train_dataloader.dataset.data_root)
        args.sizes = args.sizes or [cfg.model.backbone.img_size]
    if not args.data_root or not args.sizes:
        parser.error('give --data-root and --sizes, or --config')
    check_image_root(args.data_root, args.folder)
    return args


@tool_main
def main(argv: Optional[List[str]] = None) -> None:
    args = parse_args(argv)
    files = image_files(args.data_root, args.folder, args.num_images)
    os.makedirs(args.out, exist_ok=True)
    curves, rows = {}, []
    for size in args.sizes:
        print(f'{len(files)} images at {size} px')
        r2, energy = dataset_energy(
            files, size, args.include_dc, progress=True)
        radii, kept = kept_fraction(r2, energy)
        curves[f'{size} px'] = (to_reference(radii, size, args.ref_size), kept)
        for fraction in args.fractions:
            radius = radius_for_fraction(r2, energy, fraction)
            ref = to_reference(radius, size, args.ref_size)
            rows.append([size, fraction, f'{radius:.3f}', f'{ref:.3f}'])
            print(f'size {size}: {fraction:.0%} of the energy within '
                  f'r = {radius:.2f} bins = {ref:.2f} at {args.ref_size} px')
    with open(osp.join(args.out, 'radius.csv'), 'w', newline='') as f:
        writer = csv.writer(f)
        writer.writerow([
            'size', 'fraction', 'radius_bins', f'radius_at_{args.ref_size}px'
        ])
        writer.writerows(rows)
    save_energy_curves(curves, osp.join(args.out, 'energy_curve.png'),
                       args.fractions[0] if len(args.fractions) == 1 else None)
    print(f'wrote {args.out}/radius.csv and energy_curve.png')


if __name__ == '__main__':
    main()
