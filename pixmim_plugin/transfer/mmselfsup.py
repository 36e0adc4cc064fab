"""mmselfsup 1.x's PixMIM checkpoints, as this plugin's ``PixMIM`` loads them.

mmselfsup's models carry mmpretrain's parameter names (mmpretrain grew out
of mmcls and mmselfsup), so its MAE, PixMIM, fine-tuned and linear-probing
checkpoints need no renaming. One tensor is not a parameter: mmselfsup's
``LowFreqTargetGenerator`` registers its low-pass mask, (3, H, W) of 0 and 1
for one image size, as a persistent buffer, so every PixMIM pre-training
checkpoint holds ``target_generator.low_pass_filter``. This plugin's
generator computes its filter for any input size and stores nothing, so the
mask is dropped (after checking that it is one).
"""
from typing import Dict, List, Tuple

import torch

StateDict = Dict[str, torch.Tensor]

FILTER_KEY = 'target_generator.low_pass_filter'


def is_mmselfsup(state: StateDict) -> bool:
    """Whether ``state`` holds mmselfsup's stored PixMIM filter."""
    return FILTER_KEY in state


def from_mmselfsup(state: StateDict) -> Tuple[StateDict, List[str]]:
    """Drop mmselfsup's stored low-pass mask; every other tensor is kept.

    Args:
        state (dict): An mmselfsup PixMIM pre-training state dict.

    Returns:
        tuple: The state dict without :data:`FILTER_KEY`, and one report
        line saying what was dropped.
    """
    mask = state[FILTER_KEY]
    if mask.dim() != 3 or not torch.all((mask == 0) | (mask == 1)):
        raise ValueError(
            f'{FILTER_KEY} of shape {tuple(mask.shape)} is not mmselfsup\'s '
            '(C, H, W) mask of 0 and 1; this is no mmselfsup PixMIM '
            'checkpoint: pass --from plugin to convert it as it is')
    kept = int(mask[0].sum())
    out = {k: v for k, v in state.items() if k != FILTER_KEY}
    h, w = mask.shape[-2:]
    return out, [
        f'dropped {FILTER_KEY} {tuple(mask.shape)}: mmselfsup\'s stored '
        f'low-pass mask ({kept} of {h * w} bins kept), not a parameter; '
        'LowFreqTargetGenerator computes its filter'
    ]
