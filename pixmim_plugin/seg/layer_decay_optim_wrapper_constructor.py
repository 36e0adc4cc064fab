from mmseg.registry import OPTIM_WRAPPER_CONSTRUCTORS

from pixmim_plugin.engine.optim import \
    BackboneLayerDecayOptimWrapperConstructor

OPTIM_WRAPPER_CONSTRUCTORS.register_module(
    module=BackboneLayerDecayOptimWrapperConstructor)
