"""Which code base wrote a checkpoint, and its weights in this plugin's
names: the step before any conversion."""
from typing import Dict, List, Tuple

import torch

from .mfm import from_mfm, is_mfm
from .mmselfsup import from_mmselfsup, is_mmselfsup

StateDict = Dict[str, torch.Tensor]

# plugin: this plugin's and mmpretrain's names (nothing to map)
LAYOUTS = ('plugin', 'mmselfsup', 'mfm')
# where each checkpoint format keeps its weights: mmengine, the official MFM
# code (SimMIM / Swin style), a bare state dict
WEIGHT_KEYS = ('state_dict', 'model')


def state_dict_of(checkpoint: dict) -> StateDict:
    """The weights of a loaded checkpoint: under ``state_dict`` (mmengine,
    timm's training script), ``model`` (the official MFM code) or the dict
    itself."""
    for key in WEIGHT_KEYS:
        if isinstance(checkpoint.get(key), dict):
            return checkpoint[key]
    return checkpoint


def detect_layout(state: StateDict) -> str:
    """One of :data:`LAYOUTS` for ``state``."""
    if is_mmselfsup(state):
        return 'mmselfsup'
    if is_mfm(state):
        return 'mfm'
    return 'plugin'


def to_plugin_layout(state: StateDict,
                     layout: str = 'auto') -> Tuple[StateDict, str, List[str]]:
    """``state`` in this plugin's names.

    Args:
        state (dict): A state dict in any of :data:`LAYOUTS`.
        layout (str): ``'auto'`` (detect) or one of :data:`LAYOUTS`.
            Defaults to ``'auto'``.

    Returns:
        tuple: The state dict, its layout, and a report (one line per
        decision; none for ``'plugin'``).
    """
    if layout not in ('auto', *LAYOUTS):
        raise ValueError(f'layout must be auto or one of {LAYOUTS}, got '
                         f'{layout!r}')
    if layout == 'auto':
        layout = detect_layout(state)
    if layout == 'mmselfsup':
        if not is_mmselfsup(state):
            raise ValueError('not an mmselfsup PixMIM pre-training '
                             'checkpoint: it has no target_generator.'
                             'low_pass_filter (use --from plugin)')
        state, report = from_mmselfsup(state)
        return state, layout, report
    if layout == 'mfm':
        state, kind = from_mfm(state)
        return state, layout, [
            f'official MFM layout ({kind}): {len(state)} tensors renamed '
            'to this plugin\'s names'
        ]
    return state, layout, []
