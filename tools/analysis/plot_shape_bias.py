"""Shape-bias matrix plot (model-vs-human style) from the CSV files that
ShapeBias writes with ``test_evaluator.csv_dir``.

    python tools/analysis/plot_shape_bias.py work_dirs/shape_bias/*.csv \
        --out work_dirs/shape_bias/matrixplot.pdf
"""
import argparse
import glob
import os.path as osp

from pixmim_plugin.evaluation.shape_bias_plot import (plot_shape_bias_matrix,
                                                      read_decisions,
                                                      shape_bias_table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('csv', nargs='+', help='CSV files or folders')
    parser.add_argument('--out', default='shape_bias_matrixplot.pdf')
    parser.add_argument('--colors', nargs='+', help='one per model')
    parser.add_argument('--markers', nargs='+', help='one per model')
    args = parser.parse_args()
    paths = []
    for path in args.csv:
        paths += sorted(glob.glob(osp.join(
            path, '*.csv'))) if osp.isdir(path) else [path]
    table = shape_bias_table(read_decisions(paths))
    print(table.to_string(float_format='{:.3f}'.format))
    print(plot_shape_bias_matrix(table, args.out, args.colors, args.markers))


if __name__ == '__main__':
    main()
