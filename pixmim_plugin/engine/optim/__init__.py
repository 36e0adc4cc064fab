"""Optimizer wrappers and their constructors.

:class:`AutoAmpOptimWrapper` is registered in mmpretrain's registry (the
configs of other libraries name it ``'mmpretrain.AutoAmpOptimWrapper'``).
:class:`BackboneLayerDecayOptimWrapperConstructor` is shared by
:mod:`pixmim_plugin.det` and :mod:`pixmim_plugin.seg`, which register it in
mmdet's and mmseg's registries.
"""
from .auto_amp_optim_wrapper import AutoAmpOptimWrapper
from .backbone_layer_decay import BackboneLayerDecayOptimWrapperConstructor

__all__ = ['AutoAmpOptimWrapper', 'BackboneLayerDecayOptimWrapperConstructor']
