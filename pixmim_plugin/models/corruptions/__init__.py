from .base import PixelCorruption
from .degradations import (DownUpSampleCorruption, GaussianBlurCorruption,
                           GaussianNoiseCorruption)
from .frequency_corruption import FrequencyCorruption

__all__ = [
    'PixelCorruption', 'FrequencyCorruption', 'DownUpSampleCorruption',
    'GaussianBlurCorruption', 'GaussianNoiseCorruption'
]
