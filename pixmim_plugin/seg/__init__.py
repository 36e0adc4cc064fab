"""mmseg parts for UperNet on a multi-level encoder (ConvMAE).

Import through ``custom_imports = dict(imports=['pixmim_plugin.seg'])``:
this subpackage needs mmseg, the rest of the plugin does not. The encoder
is built across scopes (``type='mmpretrain.ConvMAEViTDet'``); what mmseg
1.2 lacks is here, registered in mmseg's registries: the layer-decay
constructor driven by the backbone's ``get_layer_depth`` (mmseg's own
constructors know ViT, BEiT and ConvNeXt parameter names only).
"""
from .layer_decay_optim_wrapper_constructor import \
    BackboneLayerDecayOptimWrapperConstructor

__all__ = ['BackboneLayerDecayOptimWrapperConstructor']
