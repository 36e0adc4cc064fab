from .convmae_vit import ConvMAEViT
from .convmae_vit_cls import ConvMAEViTCls
from .convmae_vitdet import ConvMAEViTDet
from .lsmae_vit import LSMAEViT

__all__ = ['ConvMAEViT', 'ConvMAEViTCls', 'ConvMAEViTDet', 'LSMAEViT']
