from mmdet.registry import OPTIM_WRAPPER_CONSTRUCTORS

from pixmim_plugin.engine.backbone_layer_decay import \
    BackboneLayerDecayOptimWrapperConstructor

OPTIM_WRAPPER_CONSTRUCTORS.register_module(
    module=BackboneLayerDecayOptimWrapperConstructor)
