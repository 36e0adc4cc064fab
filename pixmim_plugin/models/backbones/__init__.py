from .lsmae_vit import LSMAEViT

__all__ = ['LSMAEViT']
