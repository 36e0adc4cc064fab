"""PixMIM and masked frequency modeling for mmpretrain 1.x.

Importing this package only registers its components in mmpretrain's
registries (``CompatRunner``, the opt-in runner of
:mod:`pixmim_plugin.engine.runner`, among them); it changes nothing in
mmengine, mmpretrain or torch. It needs neither mmdet nor mmseg: the parts
registered in mmdet's registries live in :mod:`pixmim_plugin.det`, which
only the detection configs import.

:mod:`pixmim_plugin.frequency` and :mod:`pixmim_plugin.transfer` (checkpoint
conversion) need torch alone. Where mmpretrain is not installed, importing
the package skips the registration; where it is installed but fails to
import (for instance without mmcv), the import fails with mmpretrain's
error.
"""
from importlib.util import find_spec

from .version import __version__  # noqa: F401

if find_spec('mmpretrain') is not None:
    from .datasets import *  # noqa: F401,F403
    from .engine import *  # noqa: F401,F403
    from .evaluation import *  # noqa: F401,F403
    from .models import *  # noqa: F401,F403
