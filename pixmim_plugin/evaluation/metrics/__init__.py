from .mean_corruption_error import MeanCorruptionError, corruption_errors
from .shape_bias import ShapeBias, shape_bias
from .subset_accuracy import SubsetAccuracy

__all__ = [
    'MeanCorruptionError', 'corruption_errors', 'ShapeBias', 'shape_bias',
    'SubsetAccuracy'
]
