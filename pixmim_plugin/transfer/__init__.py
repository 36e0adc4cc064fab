"""Turning checkpoints into the weights of this plugin's models and of the
downstream libraries: this plugin's own, mmselfsup's and the official MFM
code's (:mod:`.layouts`), the authors' released files (:mod:`.released`),
by path or URL (:mod:`.download`). Plain torch: importing it needs neither
mmdet nor mmseg. Checkpoints are read by :mod:`pixmim_plugin.checkpoint`."""
from .convert import (ENCODERS, TARGETS, convert_checkpoint, detect_encoder,
                      encoder_type, save_converted)
from .download import fetch, is_url
from .layouts import LAYOUTS, detect_layout, state_dict_of, to_plugin_layout
from .mfm import from_mfm, to_mfm
from .released import RELEASED, Released

__all__ = [
    'ENCODERS', 'LAYOUTS', 'RELEASED', 'Released', 'TARGETS',
    'convert_checkpoint', 'detect_encoder', 'detect_layout', 'encoder_type',
    'fetch', 'from_mfm', 'is_url', 'save_converted', 'state_dict_of', 'to_mfm',
    'to_plugin_layout'
]
