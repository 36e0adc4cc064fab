"""mmengine's Runner with four fixes for mmengine 0.10 on current torch.

Selected by a config with ``runner_type = 'CompatRunner'`` (in another
library's scope, ``'mmpretrain.CompatRunner'``); mmpretrain's, mmdet's and
mmseg's ``tools/train.py`` and ``tools/test.py`` (so ``mim train`` and ``mim
test``) then build it. Each fix checks the versions it was written for,
mmengine 0.10.0 to 0.10.7 (and torch >= 2.6 for the first two), says once
in the run's log what it does, and outside those versions declines with one
message and leaves mmengine's behaviour as it is.

* **Auto-resume on torch >= 2.6.** torch 2.6 made ``torch.load`` default to
  ``weights_only=True``; mmengine 0.10.7 passes no ``weights_only``, and its
  own training checkpoints (the message hub's ``HistoryBuffer``, numpy
  scalars, ``getattr``) are refused. The run's own checkpoint is loaded in
  full, and only while resuming: a file under the work_dir, or the one
  named by the work_dir's ``last_checkpoint`` (a ``CheckpointHook`` with
  ``out_dir``). Every other file (``load_from`` elsewhere, ``init_cfg``
  pretrained weights) keeps torch's weights-only default.
* **Training checkpoints as ``load_from`` on torch >= 2.6** (so ``mim test
  --checkpoint work_dirs/run/iter_N.pth``). Every checkpoint the runner
  loads outside that full resume stays weights-only, with
  :func:`~pixmim_plugin.checkpoint.training_checkpoint_globals`
  allowed during the load: ``HistoryBuffer``, numeric numpy arrays, scalars
  and dtypes, and in place of ``getattr`` a function returning only the
  buffer's four statistics methods.
* **CPU (gloo) jobs under ``--launcher pytorch``.** mmengine 0.10.7 calls
  ``torch.cuda.set_device`` before ``init_process_group``, which fails when
  no GPU is visible. Then this runner starts the process group itself with
  the configured backend (which must be gloo), and mmengine's
  ``setup_env`` continues as usual.
* **``compile``** (``--cfg-options compile=True``). mmengine 0.10 hands the
  whole ``train_step`` to ``torch.compile``, and dynamo fails on the
  optimizer step with mmengine's param groups. The model's ``loss`` is
  compiled instead: the forward, the loss and (by autograd) the backward,
  where a step spends its time.
"""
import contextlib
import datetime
import logging
import os.path as osp
import pickle
from typing import Callable, Dict, Iterator, Optional, Sequence, Tuple, Union

import mmengine
import torch
import torch.distributed as torch_dist
from mmengine.device import get_device
from mmengine.dist import get_dist_info, is_distributed
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner
from mmengine.runner.checkpoint import _load_checkpoint_to_model
from mmengine.utils import digit_version
from mmpretrain.registry import RUNNERS

from pixmim_plugin.checkpoint import (load_checkpoint,
                                      training_checkpoint_globals)

MMENGINE_VERSIONS = ('0.10.0', '0.10.7')  # what both fixes were written for
TORCH_WEIGHTS_ONLY_DEFAULT = '2.6.0'


def mmengine_unsupported() -> Optional[str]:
    """Why this mmengine is outside :data:`MMENGINE_VERSIONS`, or None."""
    low, high = MMENGINE_VERSIONS
    version = mmengine.__version__
    if digit_version(low) <= digit_version(version) <= digit_version(high):
        return None
    return f'written for mmengine {low} to {high}, found {version}'


def resume_fix_unsupported() -> Optional[str]:
    """Why the auto-resume fix does not apply to these versions, or None."""
    reason = mmengine_unsupported()
    if reason is None and digit_version(
            torch.__version__) < digit_version(TORCH_WEIGHTS_ONLY_DEFAULT):
        reason = (f'needed from torch {TORCH_WEIGHTS_ONLY_DEFAULT}, found '
                  f'{torch.__version__}')
    return reason


@RUNNERS.register_module()
class CompatRunner(Runner):
    """:class:`mmengine.runner.Runner` with opt-in fixes for auto-resume
    and for loading training checkpoints on torch >= 2.6, and for CPU jobs
    under the pytorch launcher.

    Takes :class:`~mmengine.runner.Runner`'s arguments; see the module
    docstring for what each fix does and when it declines.
    """

    def __init__(self, *args, **kwargs) -> None:
        self._launcher_note: Optional[str] = None
        self._resume_noted = False
        self._load_noted = False
        # (file being resumed, whether it is the run's own) while resuming
        self._resuming: Optional[Tuple[str, bool]] = None
        super().__init__(*args, **kwargs)
        if self._launcher_note is not None:  # the log exists only now
            self.logger.info(self._launcher_note)

    def setup_env(self, env_cfg: Dict) -> None:
        """Start a CPU job's process group, then mmengine's ``setup_env``."""
        dist_cfg = dict(env_cfg.get('dist_cfg', {}))
        if (self.launcher == 'pytorch' and not is_distributed()
                and get_device() == 'cpu'
                and dist_cfg.get('init_backend', 'torch') == 'torch'):
            reason = mmengine_unsupported()
            if reason is None:
                self._init_cpu_process_group(dist_cfg)
            else:  # said now: mmengine's launcher is about to fail
                print_log(
                    f'CompatRunner: the CPU launcher fix is off ({reason}); '
                    "mmengine's pytorch launcher runs unchanged.",
                    logger='current',
                    level=logging.WARNING)
        super().setup_env(env_cfg)

    def _init_cpu_process_group(self, dist_cfg: dict) -> None:
        backend = dist_cfg.pop('backend', 'nccl')  # mmengine's default
        dist_cfg.pop('init_backend', None)
        if backend != 'gloo':
            raise ValueError(
                f'env_cfg.dist_cfg.backend is {backend!r}, but no GPU is '
                'visible: set it to \'gloo\' for a CPU job under '
                '--launcher pytorch')
        if dist_cfg.get('timeout') is not None:  # seconds, as mmengine's
            dist_cfg['timeout'] = datetime.timedelta(
                seconds=dist_cfg['timeout'])
        torch_dist.init_process_group(backend=backend, **dist_cfg)
        rank, world_size = get_dist_info()
        self._launcher_note = (
            'CompatRunner: no GPU is visible, so the gloo process group '
            f'(rank {rank} of {world_size}) was started without the '
            f'torch.cuda.set_device call that mmengine {mmengine.__version__}'
            "'s pytorch launcher makes first.")

    def _maybe_compile(self, target: str) -> None:
        """``compile`` (a bool or ``torch.compile``'s keyword arguments)
        wraps the model's ``loss`` (forward and loss; autograd compiles the
        backward) instead of mmengine's whole ``train_step``, whose optimizer
        step dynamo cannot trace through mmengine's param groups."""
        compile_cfg = self.cfg.get('compile')
        reason = mmengine_unsupported()
        if (target != 'train_step' or compile_cfg in (None, False)
                or reason is not None):
            if reason is not None and compile_cfg not in (None, False):
                self.logger.warning(
                    f'CompatRunner: the compile fix is off ({reason}); '
                    "mmengine compiles as it does.")
            return super()._maybe_compile(target)
        kwargs = {} if compile_cfg is True else dict(compile_cfg)
        model = self.model.module if is_model_wrapper(
            self.model) else self.model
        model.loss = torch.compile(model.loss, **kwargs)
        self.logger.info(
            f'CompatRunner: compile={compile_cfg!r}: torch.compile wraps '
            f'{type(model).__name__}.loss (forward, loss and, through '
            f'autograd, backward) rather than mmengine '
            f"{mmengine.__version__}'s whole train_step, whose optimizer "
            'step dynamo cannot trace; data preprocessing and the optimizer '
            'step run eagerly. The first iteration compiles and is slow.')

    def resume(self, filename: str, *args, **kwargs) -> None:
        """mmengine's ``resume``, loading the run's own checkpoint in full
        on torch >= 2.6; other files stay weights-only.

        Args:
            filename (str): The checkpoint; other arguments are
                :meth:`mmengine.runner.Runner.resume`'s.
        """
        reason = resume_fix_unsupported()
        if reason is not None:
            self._note_resume_once(
                f'CompatRunner: the auto-resume fix is off ({reason}); '
                "checkpoints load as mmengine's Runner loads them.",
                logging.WARNING)
            return super().resume(filename, *args, **kwargs)
        self._note_resume_once(
            'CompatRunner: resuming loads the run\'s own checkpoint (a file '
            f'under {self.work_dir} or the one its last_checkpoint names) '
            'with torch.load(weights_only=False): mmengine '
            f'{mmengine.__version__} saves more than tensors, which torch '
            f'{torch.__version__} refuses by default. Every other '
            'checkpoint stays weights-only.', logging.INFO)
        self._resuming = (filename, self.is_own_checkpoint(filename))
        try:
            return super().resume(filename, *args, **kwargs)
        finally:
            self._resuming = None

    def _note_resume_once(self, message: str, level: int) -> None:
        if not self._resume_noted:
            self.logger.log(level, message)
            self._resume_noted = True

    def is_own_checkpoint(self, filename: str) -> bool:
        """Whether ``filename`` is a local file this run wrote: under its
        work_dir, or the one named by the work_dir's ``last_checkpoint``."""
        path = osp.realpath(osp.expanduser(filename))
        if not osp.isfile(path):
            return False
        work_dir = osp.realpath(self.work_dir)
        if osp.commonpath([path, work_dir]) == work_dir:
            return True
        last = osp.join(work_dir, 'last_checkpoint')
        if not osp.isfile(last):
            return False
        with open(last) as f:
            named = f.read().strip()
        return osp.realpath(osp.expanduser(named)) == path

    @contextlib.contextmanager
    def _training_checkpoint_globals(self) -> Iterator[None]:
        """Allow a training checkpoint's globals in weights-only loading
        while the context is open, where the versions match."""
        reason = resume_fix_unsupported()
        if not self._load_noted:
            if reason is None:
                self.logger.info(
                    'CompatRunner: checkpoints other than the run\'s own '
                    'being resumed (load_from, mim test --checkpoint) load '
                    'weights-only with the globals of mmengine '
                    f'{mmengine.__version__}\'s training checkpoints '
                    'allowed: HistoryBuffer, numeric numpy arrays, scalars '
                    'and dtypes, and getattr for HistoryBuffer\'s '
                    'statistics methods only.')
            else:
                self.logger.warning(
                    'CompatRunner: the training-checkpoint allowlist is off '
                    f'({reason}); checkpoints load as mmengine\'s Runner '
                    'loads them.')
            self._load_noted = True
        if reason is not None:
            yield
            return
        with torch.serialization.safe_globals(training_checkpoint_globals()):
            yield

    def load_checkpoint(
        self,
        filename: str,
        map_location: Union[str, Callable] = 'cpu',
        strict: bool = False,
        revise_keys: Sequence[Tuple[str, str]] = ((r'^module.', ''), )
    ) -> dict:
        """mmengine's ``load_checkpoint``: while resuming the run's own
        checkpoint, with ``torch.load(weights_only=False)``; otherwise
        weights-only with a training checkpoint's globals allowed.

        Args:
            filename (str): The checkpoint; other arguments are
                :meth:`mmengine.runner.Runner.load_checkpoint`'s.

        Returns:
            dict: The loaded checkpoint.
        """
        resuming, own = self._resuming or (None, False)
        if filename != resuming or not own:
            try:
                with self._training_checkpoint_globals():
                    return super().load_checkpoint(filename, map_location,
                                                   strict, revise_keys)
            except pickle.UnpicklingError as error:
                if filename != resuming:
                    raise
                raise pickle.UnpicklingError(
                    f'{filename} was refused by weights-only loading: '
                    'CompatRunner loads in full only the checkpoints of '
                    f'this run (under {self.work_dir} or named by its '
                    'last_checkpoint). Resume from a copy in the work_dir '
                    'if you trust the file.') from error
        # From here as mmengine 0.10's Runner.load_checkpoint.
        checkpoint = load_checkpoint(
            filename, map_location=map_location, trusted=True)
        self.call_hook('after_load_checkpoint', checkpoint=checkpoint)
        model = self.model.module if is_model_wrapper(
            self.model) else self.model
        checkpoint = _load_checkpoint_to_model(
            model, checkpoint, strict, revise_keys=revise_keys)
        self._has_loaded = True
        self.logger.info(f'Load checkpoint from {filename}')
        return checkpoint
