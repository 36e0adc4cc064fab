import os
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer
from mmengine.runner import Runner
from mmengine.runner.checkpoint import CheckpointLoader

from pixmim_plugin.engine import trusted_checkpoint_dir
from pixmim_plugin.engine.checkpoint import ENV_TRUSTED_DIRS


def save_training_checkpoint(path):
    """What mmengine's CheckpointHook writes, in miniature."""
    torch.save(
        dict(
            meta=dict(iter=4, seed=np.int64(0)),
            state_dict=dict(w=torch.ones(2)),
            message_hub=dict(log_scalars=dict(
                loss=HistoryBuffer([1.0], [1])))), path)


class Exploit:

    def __reduce__(self):
        return (os.makedirs, (self.target, ))


def test_training_checkpoint_outside_trusted_dirs_is_refused(tmp_path):
    path = str(tmp_path / 'iter_4.pth')
    save_training_checkpoint(path)
    with pytest.raises(RuntimeError, match=ENV_TRUSTED_DIRS):
        CheckpointLoader.load_checkpoint(path)


def test_trusted_dir_loads_in_full(tmp_path, monkeypatch):
    path = str(tmp_path / 'iter_4.pth')
    save_training_checkpoint(path)
    with trusted_checkpoint_dir(str(tmp_path)):
        ckpt = CheckpointLoader.load_checkpoint(path)
    assert isinstance(ckpt['message_hub']['log_scalars']['loss'],
                      HistoryBuffer)
    monkeypatch.setenv(ENV_TRUSTED_DIRS, str(tmp_path))
    assert CheckpointLoader.load_checkpoint(path)['meta']['iter'] == 4


def test_sibling_with_common_prefix_is_not_trusted(tmp_path):
    os.makedirs(tmp_path / 'run10')
    path = str(tmp_path / 'run10' / 'x.pth')
    save_training_checkpoint(path)
    with trusted_checkpoint_dir(str(tmp_path / 'run1')):
        with pytest.raises(RuntimeError):
            CheckpointLoader.load_checkpoint(path)


def test_plain_weights_load_anywhere(tmp_path):
    path = str(tmp_path / 'weights.pth')
    torch.save(dict(state_dict=dict(w=torch.arange(3.))), path)
    ckpt = CheckpointLoader.load_checkpoint(path)
    assert torch.equal(ckpt['state_dict']['w'], torch.arange(3.))


def test_untrusted_pickle_runs_no_code(tmp_path):
    path = str(tmp_path / 'evil.pth')
    exploit = Exploit()
    exploit.target = str(tmp_path / 'pwned')
    torch.save(dict(state_dict={}, x=exploit), path)
    with pytest.raises(RuntimeError):
        CheckpointLoader.load_checkpoint(path)
    assert not osp.exists(exploit.target)


def test_runner_resume_trusts_its_work_dir():
    assert getattr(Runner.resume, 'trusts_work_dir', False)
