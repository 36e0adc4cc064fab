from .hooks import HeadCheckHook
from .optim import AutoAmpOptimWrapper
from .runner import CompatRunner

__all__ = ['AutoAmpOptimWrapper', 'CompatRunner', 'HeadCheckHook']
