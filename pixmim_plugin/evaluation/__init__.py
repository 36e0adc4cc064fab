"""Robustness metrics, registered in mmpretrain's ``METRICS``; the
shape-bias plot (:mod:`.shape_bias_plot`, pandas) is imported where it is
used."""
from .metrics import *  # noqa: F401,F403
