from .hooks import HeadCheckHook
from .runner import CompatRunner

__all__ = ['CompatRunner', 'HeadCheckHook']
