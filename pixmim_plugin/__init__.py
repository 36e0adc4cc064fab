"""PixMIM and masked frequency modeling for mmpretrain 1.x.

Importing this package registers its components in mmpretrain's registries
and installs two fixes for mmengine 0.10.7 on current torch: the
checkpoint-loading policy of :mod:`pixmim_plugin.engine.checkpoint` and
the CPU launcher support of :mod:`pixmim_plugin.engine.dist`. It never
imports mmdet or mmseg: their parts live in ``pixmim_plugin.det`` and
``pixmim_plugin.seg``.
"""
from .datasets import *  # noqa: F401,F403
from .engine import *  # noqa: F401,F403
from .engine.checkpoint import install_checkpoint_policy
from .engine.dist import install_cpu_launcher_support
from .models import *  # noqa: F401,F403

install_checkpoint_policy()
install_cpu_launcher_support()

__version__ = '0.1.0'
