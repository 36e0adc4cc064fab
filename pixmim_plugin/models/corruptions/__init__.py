from .base import CorruptedBatch, PixelCorruption
from .degradations import (DownUpSampleCorruption, GaussianBlurCorruption,
                           GaussianNoiseCorruption)
from .frequency_corruption import FrequencyCorruption

__all__ = [
    'CorruptedBatch', 'PixelCorruption', 'FrequencyCorruption',
    'DownUpSampleCorruption', 'GaussianBlurCorruption',
    'GaussianNoiseCorruption'
]
