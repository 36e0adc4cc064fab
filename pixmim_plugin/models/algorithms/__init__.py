from .mfm import MFM
from .pixmim import PixMIM, TargetGeneratorMixin

__all__ = ['MFM', 'PixMIM', 'TargetGeneratorMixin']
