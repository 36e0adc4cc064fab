from .cue_conflict import CueConflict
from .imagenet_c import ImageNetC
from .imagenet_subset import ImageNetSubset
from .imagenet_with_objects import ImageNetWithObjects
from .transforms import *  # noqa: F401,F403

__all__ = ['CueConflict', 'ImageNetC', 'ImageNetSubset', 'ImageNetWithObjects']
