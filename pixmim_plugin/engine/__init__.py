from .runner import CompatRunner

__all__ = ['CompatRunner']
