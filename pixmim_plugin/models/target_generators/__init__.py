from .adaptive_low_freq_target_generator import AdaptiveLowFreqTargetGenerator
from .low_freq_target_generator import LowFreqTargetGenerator

__all__ = ['AdaptiveLowFreqTargetGenerator', 'LowFreqTargetGenerator']
