from .simple_resized_crop import SimpleResizedCrop

__all__ = ['SimpleResizedCrop']
