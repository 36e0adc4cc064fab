from .checkpoint import trusted_checkpoint_dir

__all__ = ['trusted_checkpoint_dir']
