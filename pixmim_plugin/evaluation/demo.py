"""Evaluating checkpoints with robustness configs in-process, and the
table ``make demo-robustness`` prints."""
import os
import os.path as osp
from typing import Dict, Mapping, Optional

import torch
from mmengine.config import Config
from mmengine.registry import RUNNERS
from mmengine.runner import Runner


def weights_only_copy(checkpoint: str, out: str) -> str:
    """Save the ``state_dict`` of a training checkpoint (which holds logger
    state that ``torch.load(weights_only=True)`` refuses) as a file
    loadable weights-only. Unpickles ``checkpoint`` in full: only for files
    you trust.

    Returns:
        str: ``out``.
    """
    state = torch.load(checkpoint, map_location='cpu', weights_only=False)
    os.makedirs(osp.dirname(osp.abspath(out)), exist_ok=True)
    torch.save(dict(state_dict=state.get('state_dict', state), meta={}), out)
    return out


def evaluate(config: str,
             checkpoint: str,
             work_dir: str,
             cfg_options: Optional[dict] = None,
             trust: bool = False) -> Dict[str, float]:
    """``mim test mmpretrain CONFIG --checkpoint CHECKPOINT`` in-process.

    Args:
        config (str): A test config (``configs/robustness/``,
            ``configs/demo/*shapes-c.py``, ...).
        checkpoint (str): The fine-tuned classifier.
        work_dir (str): Where the runner logs.
        cfg_options (dict, optional): Merged into the config, as
            ``--cfg-options``.
        trust (bool): Unpickle ``checkpoint`` in full and evaluate its
            weights (:func:`weights_only_copy` in ``work_dir``); needed for
            raw training checkpoints (``iter_100.pth``) under torch >= 2.6.

    Returns:
        dict: The test metrics.
    """
    if not osp.isfile(checkpoint):
        raise FileNotFoundError(f'missing checkpoint {checkpoint}')
    if trust:
        checkpoint = weights_only_copy(checkpoint,
                                       osp.join(work_dir, 'weights.pth'))
    cfg = Config.fromfile(config)
    cfg.merge_from_dict(cfg_options or {})
    cfg.work_dir, cfg.load_from, cfg.launcher = work_dir, checkpoint, 'none'
    runner = (
        RUNNERS.build(cfg) if 'runner_type' in cfg else Runner.from_cfg(cfg))
    return runner.test()


def robustness_table(corruption: Mapping[str, Dict[str, float]],
                     shape: Mapping[str, Dict[str, float]]) -> str:
    """A Markdown table of corruption and shape-bias metrics per model.

    Args:
        corruption (Mapping[str, dict]): Model name -> the metrics of
            :class:`MeanCorruptionError` (prefixed ``imagenet-c/``).
        shape (Mapping[str, dict]): Model name -> the metrics of
            :class:`ShapeBias` (prefixed ``cue-conflict/``).

    Returns:
        str: One row per model; ``-`` where a model was not evaluated.
    """
    columns = [('mCE', 'imagenet-c/mCE'),
               ('mean error', 'imagenet-c/mean_error')]
    columns += [(f'error s{s}', f'imagenet-c/error/severity_{s}')
                for s in range(1, 6)]
    columns += [('shape bias', 'cue-conflict/shape_bias'),
                ('shape acc.', 'cue-conflict/shape_accuracy'),
                ('texture acc.', 'cue-conflict/texture_accuracy')]
    lines = [
        '| model | ' + ' | '.join(name for name, _ in columns) + ' |',
        '|---' * (len(columns) + 1) + '|'
    ]
    for model in dict.fromkeys(list(corruption) + list(shape)):
        metrics = {**corruption.get(model, {}), **shape.get(model, {})}
        cells = [
            f'{metrics[key]:.{3 if key.startswith("cue") else 1}f}'
            if key in metrics else '-' for _, key in columns
        ]
        lines.append(f'| {model} | ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)
