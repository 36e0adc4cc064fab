"""Library code behind the analysis and visualisation tools."""
from .frequency_psnr import reconstruct_pixels, reconstruction_band_psnr
from .loading import (build_trained_model, first_of_each_class, image_files,
                      load_images, load_inputs)
from .mfm_visualization import mfm_examples, save_mfm_grid
from .reconstruction import (predict_masked, reconstruct,
                             save_reconstruction_grid)

__all__ = [
    'build_trained_model', 'first_of_each_class', 'load_inputs',
    'mfm_examples', 'save_mfm_grid', 'reconstruct', 'save_reconstruction_grid',
    'reconstruct_pixels', 'reconstruction_band_psnr', 'image_files',
    'load_images', 'predict_masked'
]
