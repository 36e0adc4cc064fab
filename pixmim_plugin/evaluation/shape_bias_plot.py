"""The shape-bias matrix plot of the model-vs-human toolbox (`Geirhos et
al., 2021 <https://github.com/bethgelab/model-vs-human>`_), offline: one
row per shape category, the fraction of texture decisions along x (shape
decisions on the reversed top axis), one marker per model and category and
a vertical line at each model's pooled value. Category names stand where
the toolbox draws icons, so nothing is downloaded; pandas >= 2."""
import os.path as osp
from typing import Optional, Sequence

import numpy as np
import pandas as pd

from pixmim_plugin.datasets.cue_conflict import parse_stimulus
from .metrics.shape_bias import shape_bias


def read_decisions(paths: Sequence[str]) -> pd.DataFrame:
    """The CSV files :class:`ShapeBias` writes (``csv_dir``), one frame.

    Args:
        paths (Sequence[str]): CSV files (model-vs-human columns ``subj``,
            ``object_response``, ``category``, ``imagename``, ...).

    Returns:
        pd.DataFrame: Columns ``model``, ``shape``, ``texture``,
        ``decision``.
    """
    frames = []
    for path in paths:
        df = pd.read_csv(path)
        df.columns = [c.lower() for c in df.columns]
        cues = df['imagename'].map(parse_stimulus)
        frames.append(
            pd.DataFrame(
                dict(
                    model=df['subj'].astype(str),
                    shape=cues.str[0],
                    texture=cues.str[1],
                    decision=df['object_response'])))
    if not frames:
        raise ValueError('no CSV files given')
    return pd.concat(frames, ignore_index=True)


def shape_bias_table(decisions: pd.DataFrame) -> pd.DataFrame:
    """Shape bias per model (columns) and category (rows, plus ``all``).

    Args:
        decisions (pd.DataFrame): As :func:`read_decisions` returns.

    Returns:
        pd.DataFrame: Fractions; nan where a category has neither a shape
        nor a texture decision.
    """
    columns = {}
    for model, df in decisions.groupby('model', sort=False):
        out = shape_bias(df[['shape', 'texture',
                             'decision']].itertuples(index=False, name=None))
        categories = sorted(df['shape'].unique())
        columns[model] = pd.Series(
            [out.get(f'shape_bias/{c}', np.nan)
             for c in categories] + [out['shape_bias']],
            index=categories + ['all'])
    return pd.DataFrame(columns)


def plot_shape_bias_matrix(table: pd.DataFrame,
                           out: str,
                           colors: Optional[Sequence[str]] = None,
                           markers: Optional[Sequence[str]] = None) -> str:
    """Draw :func:`shape_bias_table` as the toolbox's matrix plot.

    Args:
        table (pd.DataFrame): Categories x models, with an ``all`` row.
        out (str): The figure file (``.pdf``, ``.png``, ...).
        colors (Sequence[str], optional): One per model.
        markers (Sequence[str], optional): One per model.

    Returns:
        str: ``out``.
    """
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    rows = table.drop(index='all')
    # categories ordered by the first model's texture fraction, as the
    # toolbox orders them by the human observers'
    order = (1 - rows.iloc[:, 0]).sort_values(na_position='first').index
    rows = rows.loc[order]
    n = len(rows)
    cycle = plt.rcParams['axes.prop_cycle'].by_key()['color']
    colors = list(colors or cycle)
    markers = list(markers or 'os^Dv<>ph*')
    fig, ax = plt.subplots(figsize=(7, 0.45 * n + 2))
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.5, n - 0.5)
    ax.set_yticks(range(n), [c for c in rows.index])
    ax.set_xticks(np.arange(0, 1.01, 0.1))
    ax.set_xlabel("Fraction of 'texture' decisions")
    ax.set_ylabel('Shape categories')
    top = ax.secondary_xaxis(
        'top', functions=(lambda x: 1 - x, lambda x: 1 - x))
    top.set_xticks(np.arange(0, 1.01, 0.1))
    top.set_xlabel("Fraction of 'shape' decisions")
    for i in range(n - 1):
        ax.axhline(i + 0.5, color='gray', linestyle='dotted', alpha=0.4)
    for i, model in enumerate(rows.columns):
        color = colors[i % len(colors)]
        pooled = 1 - table.loc['all', model]
        ax.axvline(pooled, color=color, linewidth=1.5)
        ax.scatter(
            1 - rows[model].to_numpy(),
            np.arange(n),
            color=color,
            marker=markers[i % len(markers)],
            s=80,
            edgecolors=(0.3, 0.3, 0.3, 0.3),
            linewidths=0.5,
            zorder=3,
            clip_on=False,
            label=f'{model} ({1 - pooled:.2f})')
    ax.legend(frameon=True, loc='lower right', title='model (shape bias)')
    fig.tight_layout()
    fig.savefig(out, bbox_inches='tight')
    plt.close(fig)
    if not osp.isfile(out):
        raise RuntimeError(f'{out} was not written')
    return out
