"""Refuse a checkpoint whose classifier head does not fit the benchmark."""
import os.path as osp
import pickle
from typing import Optional

from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmengine.runner.checkpoint import _load_checkpoint
from mmpretrain.registry import HOOKS

from pixmim_plugin.checkpoint import CheckpointError, load_checkpoint


@HOOKS.register_module()
class HeadCheckHook(Hook):
    """Before the run, compare the head of the checkpoint to be loaded
    (``load_from``, ``--checkpoint`` of ``mim test``) with the model's.

    mmengine loads checkpoints with ``strict=False``: a head of another size
    (an 8-way demo head on a 1000-class benchmark) is skipped with a warning
    and the run evaluates a random head. This hook raises instead, naming
    the checkpoint, the tensor and the class counts.

    Args:
        prefix (str): Parameters compared, by name prefix. Defaults to
            ``'head.'``.
    """
    priority = 'VERY_HIGH'

    def __init__(self, prefix: str = 'head.') -> None:
        self.prefix = prefix

    def before_run(self, runner) -> None:
        """Load the checkpoint's state dict and compare shapes."""
        path: Optional[str] = runner._load_from
        if not path:
            return
        try:
            if osp.isfile(osp.expanduser(path)):
                checkpoint = load_checkpoint(path)
            else:  # a URL or a model-zoo name: mmengine's loader
                checkpoint = _load_checkpoint(path, map_location='cpu')
        except (CheckpointError, pickle.UnpicklingError):
            return  # unreadable or refused: the runner's own load says why
        state = checkpoint.get('state_dict', checkpoint)
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        for key, value in model.state_dict().items():
            if not key.startswith(self.prefix):
                continue
            if key not in state:
                raise ValueError(f'checkpoint {path} has no {key}: not a '
                                 'classifier fine-tuned for this benchmark')
            if tuple(state[key].shape) != tuple(value.shape):
                raise ValueError(
                    f'checkpoint {path}: {key} has shape '
                    f'{tuple(state[key].shape)}, a {value.shape[0]}-way '
                    f'head of shape {tuple(value.shape)} is needed: this '
                    f'benchmark has {value.shape[0]} classes, the '
                    f'checkpoint {state[key].shape[0]}')
