"""mmdet parts for ViTDet-style Mask R-CNN on a PixMIM / MAE encoder.

Import through ``custom_imports = dict(imports=['pixmim_plugin.det'])``:
this subpackage needs mmdet, the rest of the plugin does not. The encoder
itself is mmpretrain's ``ViTSAM`` (windowed attention, a few global blocks,
decomposed relative positions, interpolated absolute positions), built
across scopes as ``type='mmpretrain.ViTSAM'``; converted weights come from
``tools/convert_checkpoint.py --to mmdet``. What mmdet 3.3's package lacks is
here, registered in mmdet's registries.
"""
from .layer_decay_optim_wrapper_constructor import \
    BackboneLayerDecayOptimWrapperConstructor
from .simple_feature_pyramid import SimpleFeaturePyramid

__all__ = ['BackboneLayerDecayOptimWrapperConstructor', 'SimpleFeaturePyramid']
