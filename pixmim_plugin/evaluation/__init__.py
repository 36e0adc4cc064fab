from .head_check_hook import HeadCheckHook
from .metrics import *  # noqa: F401,F403

__all__ = ['HeadCheckHook']
