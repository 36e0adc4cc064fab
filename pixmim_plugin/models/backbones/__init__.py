from .convmae_vit import ConvMAEViT
from .lsmae_vit import LSMAEViT

__all__ = ['ConvMAEViT', 'LSMAEViT']
