"""PixMIM and masked frequency modeling for mmpretrain 1.x.

Importing this package registers its components in mmpretrain's registries
and installs two fixes for mmengine 0.10.7 on current torch: the
checkpoint-loading policy of :mod:`pixmim_plugin.engine.checkpoint` and
the CPU launcher support of :mod:`pixmim_plugin.engine.dist`. It needs
neither mmdet nor mmseg; :mod:`pixmim_plugin.transfer` (checkpoint
conversion) is plain torch, and the parts registered in mmdet's registries
live in :mod:`pixmim_plugin.det`, which only the detection configs import.
"""
from .datasets import *  # noqa: F401,F403
from .engine import *  # noqa: F401,F403
from .engine.checkpoint import install_checkpoint_policy
from .engine.dist import install_cpu_launcher_support
from .models import *  # noqa: F401,F403

install_checkpoint_policy()
install_cpu_launcher_support()

__version__ = '0.1.0'
