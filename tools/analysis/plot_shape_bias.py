"""Shape-bias matrix plot (model-vs-human style) from the CSV files that
ShapeBias writes with ``test_evaluator.csv_dir``.

    python tools/analysis/plot_shape_bias.py work_dirs/shape_bias/*.csv \
        --out work_dirs/shape_bias/matrixplot.pdf
"""
import argparse
import glob
import os.path as osp
from typing import List, Optional

import pandas as pd

from pixmim_plugin.cli import InputError, check_file, tool_main
from pixmim_plugin.datasets.cue_conflict import parse_stimulus
from pixmim_plugin.evaluation.shape_bias_plot import (plot_shape_bias_matrix,
                                                      read_decisions,
                                                      shape_bias_table)

# the columns read_decisions reads (ShapeBias writes them)
COLUMNS = ('subj', 'object_response', 'imagename')


def check_csv(path: str) -> str:
    """Refuse a file that is not one of ShapeBias's CSV files.

    Args:
        path (str): The file.

    Returns:
        str: ``path``.
    """
    check_file(path, 'csv')
    try:
        frame = pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError,
            UnicodeDecodeError) as error:
        raise InputError(f'csv {path}: not a CSV file '
                         f'({str(error).splitlines()[0]})') from None
    frame.columns = [c.lower() for c in frame.columns]
    lacking = set(COLUMNS) - set(frame.columns)
    if lacking:
        raise InputError(f'csv {path}: not a ShapeBias CSV (no column '
                         f'{", ".join(sorted(lacking))})')
    empty = frame[list(COLUMNS)].isna().any(axis=1)
    if empty.any():  # a cut last line leaves its cells empty
        raise InputError(f'csv {path}: {empty.sum()} of {len(frame)} rows '
                         f'have an empty {"/".join(COLUMNS)} (a truncated '
                         f'file?), first at line '
                         f'{empty.to_numpy().argmax() + 2}')
    for name in frame['imagename']:
        try:
            parse_stimulus(str(name))
        except ValueError as error:
            raise InputError(f'csv {path}: {error}') from None
    return path


@tool_main
def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('csv', nargs='+', help='CSV files or folders')
    parser.add_argument('--out', default='shape_bias_matrixplot.pdf')
    parser.add_argument('--colors', nargs='+', help='one per model')
    parser.add_argument('--markers', nargs='+', help='one per model')
    args = parser.parse_args(argv)
    paths = []
    for path in args.csv:
        found = sorted(glob.glob(osp.join(
            path, '*.csv'))) if osp.isdir(path) else [path]
        if not found:
            raise InputError(f'csv {path}: a folder without .csv files')
        paths += [check_csv(p) for p in found]
    table = shape_bias_table(read_decisions(paths))
    print(table.to_string(float_format='{:.3f}'.format))
    print(plot_shape_bias_matrix(table, args.out, args.colors, args.markers))


if __name__ == '__main__':
    main()
