"""Library code behind the analysis and visualisation tools."""
from .reconstruction import reconstruct, save_reconstruction_grid

__all__ = ['reconstruct', 'save_reconstruction_grid']
