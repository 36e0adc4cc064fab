"""The robustness demo (``make demo-robustness``, behind
``tools/demo_robustness.py``): the demo fine-tuned classifiers evaluated
in-process for ImageNet-C-style mCE and cue-conflict shape bias on the sets
of :mod:`.robustness_sets`, and the table it prints.

mCE is normalised by chance-level reference errors (the demo set's
``reference_errors.json``), not AlexNet's.
"""
import json
import os
import os.path as osp
from typing import Dict, Mapping, Optional

import torch
from mmengine.config import Config
from mmengine.registry import RUNNERS
from mmengine.runner import Runner
from mmpretrain.registry import MODELS

from pixmim_plugin.checkpoint import (CheckpointError, check_weights,
                                      load_checkpoint)

# relative to the repository root, where tools/demo_robustness.py runs
C_CONFIG = 'configs/demo/vit-mini-p4_1xb32-900it_shapes-objects-c.py'
CUE_CONFIG = 'configs/demo/vit-mini-p4_1xb32-900it_shapes-cue-conflict.py'


def weights_only_copy(checkpoint: str, out: str) -> str:
    """Save the ``state_dict`` of a training checkpoint (which holds logger
    state that ``torch.load(weights_only=True)`` refuses) as a file
    loadable weights-only. Unpickles ``checkpoint`` in full: only for files
    you trust.

    Returns:
        str: ``out``.
    """
    state = load_checkpoint(checkpoint, trusted=True)
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
            raw training checkpoints (``iter_900.pth``) under torch >= 2.6.

    Returns:
        dict: The test metrics.
    """
    if not osp.isfile(checkpoint):
        raise CheckpointError(f'{checkpoint}: no such file')
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


def checkpoint_of(path: str) -> str:
    """``path`` itself, or the last checkpoint of a work dir.

    Args:
        path (str): A checkpoint file or a work dir.

    Returns:
        str: The checkpoint file.
    """
    last = osp.join(path, 'last_checkpoint')
    if osp.isdir(path):
        if not osp.isfile(last):
            raise CheckpointError(
                f'{path}: a folder without last_checkpoint: give a '
                'checkpoint file or the work_dir of a run that saved one')
        with open(last) as f:
            return f.read().strip()
    return path


def check_classifier(config: str,
                     checkpoint: str,
                     cfg_options: Optional[dict] = None,
                     trust: bool = False) -> None:
    """Refuse, before any evaluation, a checkpoint that cannot be read or
    is not one of ``config``'s classifier (mmengine would load it with
    warnings and evaluate random weights).

    Args:
        config (str): The test config.
        checkpoint (str): The checkpoint file.
        cfg_options (dict, optional): Merged into the config.
        trust (bool): Unpickle the file in full. Defaults to False.

    Raises:
        CheckpointError: Naming the file and the problem.
    """
    cfg = Config.fromfile(config)
    cfg.merge_from_dict(cfg_options or {})
    state = load_checkpoint(checkpoint, trusted=trust)
    check_weights(
        MODELS.build(cfg.model), state.get('state_dict', state), checkpoint,
        f'{cfg.model.type} ({config})')


def demo_robustness(shape: str,
                    texture: Optional[str] = None,
                    out: str = 'work_dirs/demo_robustness',
                    data_root: str = 'data/demo',
                    cfg_options: Optional[dict] = None,
                    trust: bool = False,
                    c_config: str = C_CONFIG,
                    cue_config: str = CUE_CONFIG) -> Dict[str, dict]:
    """Evaluate the shape-labelled model on the corrupted set and the
    cue-conflict set, the texture-labelled one (if given) on the
    cue-conflict set, and write ``out/metrics.json``.

    Args:
        shape (str): The shape-labelled model: work dir or checkpoint.
        texture (str, optional): The texture-labelled model, likewise.
        out (str): Work dirs of the evaluations (one per model) and
            ``metrics.json``. Defaults to ``'work_dirs/demo_robustness'``.
        data_root (str): Holds ``imagenet-c/`` and ``cue-conflict/``
            (``tools/make_demo_data.py --robustness``). Defaults to
            ``'data/demo'``.
        cfg_options (dict, optional): Merged into both test configs.
        trust (bool): Unpickle raw training checkpoints in full (see
            :func:`evaluate`). Defaults to False.
        c_config (str): The corruption test config. Defaults to
            :data:`C_CONFIG`.
        cue_config (str): The cue-conflict test config. Defaults to
            :data:`CUE_CONFIG`.

    Returns:
        dict: ``corruption`` and ``shape``, each model name
        (``'shape-labelled'``, ``'texture-labelled'``) -> test metrics, the
        arguments of :func:`robustness_table`.

    Raises:
        CheckpointError: Before any evaluation, for a model that is not a
            readable checkpoint of the configs' classifier
            (:func:`check_classifier`).
    """
    c_root = osp.join(data_root, 'imagenet-c')
    options = {
        c_config: {
            'test_dataloader.dataset.data_root': c_root,
            'test_evaluator.reference': osp.join(c_root,
                                                 'reference_errors.json'),
        },
        cue_config: {
            'test_dataloader.dataset.data_root':
            osp.join(data_root, 'cue-conflict')
        }
    }
    models = {'shape-labelled': shape}
    if texture:
        models['texture-labelled'] = texture
    for path in models.values():  # both configs build the same classifier
        check_classifier(cue_config, checkpoint_of(path), cfg_options, trust)
    results = {c_config: {}, cue_config: {}}
    for name, path in models.items():
        configs = [c_config, cue_config
                   ] if name == 'shape-labelled' else [cue_config]
        for config in configs:
            results[config][name] = evaluate(config, checkpoint_of(path),
                                             osp.join(out, name), {
                                                 **options[config],
                                                 **(cfg_options or {})
                                             }, trust)
    metrics = dict(corruption=results[c_config], shape=results[cue_config])
    os.makedirs(out, exist_ok=True)
    with open(osp.join(out, 'metrics.json'), 'w') as f:
        json.dump(metrics, f, indent=1)
    return metrics
