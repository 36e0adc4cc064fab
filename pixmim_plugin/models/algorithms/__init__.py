from .pixmim import PixMIM, TargetGeneratorMixin

__all__ = ['PixMIM', 'TargetGeneratorMixin']
