"""Turning pre-training checkpoints into the encoder weights of the
downstream libraries, and loading mmengine training checkpoints
weights-only. Plain torch: importing it needs neither mmdet nor mmseg."""
from .convert import (ENCODERS, TARGETS, convert_checkpoint, detect_encoder,
                      save_converted)
from .safe_load import load_training_checkpoint, training_checkpoint_globals

__all__ = [
    'ENCODERS', 'TARGETS', 'convert_checkpoint', 'detect_encoder',
    'save_converted', 'load_training_checkpoint', 'training_checkpoint_globals'
]
