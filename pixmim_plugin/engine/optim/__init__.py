"""Optimizer-wrapper constructors shared by :mod:`pixmim_plugin.det` and
:mod:`pixmim_plugin.seg`, which register them in mmdet's and mmseg's
registries. Nothing here is registered, and :mod:`pixmim_plugin` does not
import this package."""
from .backbone_layer_decay import BackboneLayerDecayOptimWrapperConstructor

__all__ = ['BackboneLayerDecayOptimWrapperConstructor']
