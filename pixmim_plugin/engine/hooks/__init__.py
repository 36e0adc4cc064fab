"""Hooks registered in mmpretrain's ``HOOKS``."""
from .head_check_hook import HeadCheckHook

__all__ = ['HeadCheckHook']
