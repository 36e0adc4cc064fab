from .background_resized_crop import BackgroundResizedCrop
from .load_object_mask import LoadObjectMask
from .simple_resized_crop import SimpleResizedCrop

__all__ = ['BackgroundResizedCrop', 'LoadObjectMask', 'SimpleResizedCrop']
