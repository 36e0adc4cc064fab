"""Library code behind the analysis and visualisation tools."""
from .loading import build_trained_model, first_of_each_class, load_inputs
from .mfm_visualization import mfm_examples, save_mfm_grid
from .reconstruction import reconstruct, save_reconstruction_grid

__all__ = [
    'build_trained_model', 'first_of_each_class', 'load_inputs',
    'mfm_examples', 'save_mfm_grid', 'reconstruct', 'save_reconstruction_grid'
]
