"""Turning pre-training checkpoints into the encoder weights of the
downstream libraries. Plain torch: importing it needs neither mmdet nor
mmseg. Checkpoints are read by :mod:`pixmim_plugin.checkpoint`."""
from .convert import (ENCODERS, TARGETS, convert_checkpoint, detect_encoder,
                      save_converted)

__all__ = [
    'ENCODERS', 'TARGETS', 'convert_checkpoint', 'detect_encoder',
    'save_converted'
]
