"""Layer-wise learning-rate decay over a detector's or segmentor's
backbone, as in ViTDet."""
from functools import partial

from mmpretrain.engine.optimizers import \
    LearningRateDecayOptimWrapperConstructor


class BackboneLayerDecayOptimWrapperConstructor(
        LearningRateDecayOptimWrapperConstructor):
    """mmpretrain's layer-wise lr decay for a detector or segmentor whose
    backbone knows its layer depths (``get_layer_depth(name, prefix)``, as
    mmpretrain's ViTs and :class:`ConvMAEViTDet` do).

    With ``L + 2`` depths from the backbone, a parameter at depth ``d`` gets
    ``layer_decay_rate ** (L + 1 - d)``: for a ViT the patch and position
    embeddings get ``rate ** (L + 1)``, block ``i`` ``rate ** (L - i)`` and
    everything outside the backbone (neck, heads) the full lr, as in
    ViTDet. ``paramwise_cfg`` takes the keys of mmpretrain's constructor
    (``layer_decay_rate``, ``norm_decay_mult``, ``custom_keys``...).
    Registered in mmdet's registry by :mod:`pixmim_plugin.det` and in
    mmseg's by :mod:`pixmim_plugin.seg`.
    """

    def __init__(self, optim_wrapper_cfg: dict, paramwise_cfg: dict = None):
        super().__init__(optim_wrapper_cfg, paramwise_cfg)
        rate = self.paramwise_cfg.get('layer_decay_rate', 1.0)
        if not 0 < rate <= 1:
            raise ValueError(
                f'paramwise_cfg.layer_decay_rate must be in (0, 1], got '
                f'{rate}')

    def add_params(self,
                   params,
                   module,
                   prefix='',
                   get_layer_depth=None,
                   **kwargs):
        if get_layer_depth is None:
            backbone = getattr(module, 'backbone', None)
            if not hasattr(backbone, 'get_layer_depth'):
                raise TypeError(
                    f'{type(self).__name__} needs a model whose backbone '
                    'has get_layer_depth(name, prefix), got '
                    f'{type(backbone).__name__}')
            get_layer_depth = partial(
                backbone.get_layer_depth, prefix='backbone.')
        super().add_params(params, module, prefix, get_layer_depth, **kwargs)
