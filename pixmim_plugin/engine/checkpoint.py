"""Checkpoint loading for torch >= 2.6 under mmengine 0.10.

torch 2.6 made ``torch.load`` default to ``weights_only=True``. mmengine
0.10.7 calls it without the argument, so resuming from its own training
checkpoints fails: they pickle the message hub's ``HistoryBuffer``, numpy
scalars and ``getattr``. Allow-listing those globally would make
weights-only loading unsafe for every file (``getattr`` reaches anything).

The policy here instead:

* checkpoints inside a *trusted directory* are loaded in full
  (``weights_only=False``). While ``Runner.resume`` runs, the runner's own
  ``work_dir`` is trusted: that is where the run wrote its checkpoints, and
  what ``resume = True`` picks up. Further directories can be trusted with
  :func:`trusted_checkpoint_dir` or the ``PIXMIM_TRUSTED_CHECKPOINT_DIRS``
  environment variable (``os.pathsep``-separated).
* every other local file (``load_from``, ``init_cfg`` pretrained weights,
  a ``resume_from`` outside the work_dir) is loaded with
  ``weights_only=True``; if that refuses the file, the error says how to
  trust it or convert it to plain tensors. (A ``CheckpointHook(out_dir=...)``
  writes outside the work_dir: trust that directory too to auto-resume.)

Importing :mod:`pixmim_plugin` installs this policy.
"""
import contextlib
import functools
import os
import os.path as osp
import pickle
from typing import Iterator, List

import torch
from mmengine.runner import Runner
from mmengine.runner.checkpoint import CheckpointLoader

ENV_TRUSTED_DIRS = 'PIXMIM_TRUSTED_CHECKPOINT_DIRS'
_trusted_dirs: List[str] = []


def _real(path: str) -> str:
    return osp.realpath(osp.expanduser(path))


def is_trusted(filename: str) -> bool:
    """Whether ``filename`` lies in a trusted directory."""
    env = [
        d for d in os.environ.get(ENV_TRUSTED_DIRS, '').split(os.pathsep) if d
    ]
    path = _real(filename)
    for directory in _trusted_dirs + env:
        directory = _real(directory)
        if osp.commonpath([path, directory]) == directory:
            return True
    return False


@contextlib.contextmanager
def trusted_checkpoint_dir(directory: str) -> Iterator[None]:
    """Load checkpoints under ``directory`` in full while in this context."""
    _trusted_dirs.append(directory)
    try:
        yield
    finally:
        _trusted_dirs.remove(directory)


def load_from_local(filename: str, map_location=None) -> dict:
    """mmengine's local-file loader with the trust policy of this module."""
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'{filename} can not be found.')
    if is_trusted(filename):
        return torch.load(
            filename, map_location=map_location, weights_only=False)
    try:
        return torch.load(
            filename, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as error:  # what weights-only refuses
        raise RuntimeError(
            f'{filename} holds more than tensors and plain data, so it was '
            'refused by weights-only loading. If you trust it, add its '
            f'directory to ${ENV_TRUSTED_DIRS} or resume from inside the '
            'work_dir that wrote it; otherwise convert it to plain tensors '
            '(save only its state_dict).') from error


def _resume_trusting_work_dir(resume):

    @functools.wraps(resume)
    def wrapper(self: Runner, filename: str, *args, **kwargs):
        with trusted_checkpoint_dir(self.work_dir):
            return resume(self, filename, *args, **kwargs)

    wrapper.trusts_work_dir = True
    return wrapper


def install_checkpoint_policy() -> None:
    """Register the loader and make ``Runner.resume`` trust its work_dir.

    Idempotent.
    """
    CheckpointLoader.register_scheme(prefixes='', force=True)(load_from_local)
    if not getattr(Runner.resume, 'trusts_work_dir', False):
        Runner.resume = _resume_trusting_work_dir(Runner.resume)
