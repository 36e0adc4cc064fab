"""Weights-only loading of raw training checkpoints: the allowlist of
``pixmim_plugin.checkpoint`` and CompatRunner's ``load_from``."""
import os
import os.path as osp
import pickle

import mmengine
import numpy as np
import pytest
import torch
from helpers import TinyRegressor, runner_log, tiny_runner
from mmengine.logging import HistoryBuffer
from mmengine.runner import Runner
from mmengine.utils import digit_version

from pixmim_plugin.checkpoint import (CheckpointError,
                                      history_buffer_statistic,
                                      load_checkpoint)

ALLOWLIST_NOTE = 'load weights-only with the globals of mmengine'
DECLINED_NOTE = 'the training-checkpoint allowlist is off'
needs_weights_only_default = pytest.mark.skipif(
    digit_version(torch.__version__) < digit_version('2.6.0'),
    reason='torch.load defaults to weights_only=True from torch 2.6')


class SideEffect:
    """Creates a directory when unpickled."""

    def __init__(self, target: str) -> None:
        self.target = target

    def __reduce__(self):
        return (os.makedirs, (self.target, ))


class GlobalsOfAMethod:
    """Unpickles to a statistics method's module globals (from which
    ``os`` or ``eval`` are one step away)."""

    def __reduce__(self):
        return (getattr, (HistoryBuffer.mean, '__globals__'))


@pytest.fixture(scope='module')
def checkpoint(tmp_path_factory):
    """mmengine's training checkpoint of iteration 2 of a tiny run."""
    work_dir = tmp_path_factory.mktemp('trained')
    tiny_runner(work_dir).train()
    return str(work_dir / 'iter_2.pth')


def test_loads_the_message_hub_as_a_full_load(checkpoint):
    full = torch.load(checkpoint, map_location='cpu', weights_only=False)
    safe = load_checkpoint(checkpoint)
    assert safe['meta']['iter'] == 2
    for name, value in full['state_dict'].items():
        torch.testing.assert_close(safe['state_dict'][name], value)
    scalars = full['message_hub']['log_scalars']
    assert set(safe['message_hub']['log_scalars']) == set(scalars)
    for name, buffer in scalars.items():
        loaded = safe['message_hub']['log_scalars'][name]
        assert type(loaded) is HistoryBuffer
        for ours, theirs in zip(loaded.data, buffer.data):
            np.testing.assert_array_equal(ours, theirs)
        assert loaded.statistics('mean') == np.mean(buffer.data[0])
    eta = safe['message_hub']['runtime_info']['eta']
    assert type(eta) is type(full['message_hub']['runtime_info']['eta'])


def test_allowlist_is_scoped_to_the_load(checkpoint):
    load_checkpoint(checkpoint)
    assert all(
        history_buffer_statistic not in (g if isinstance(g, tuple) else (g, ))
        for g in torch.serialization.get_safe_globals())
    with pytest.raises(pickle.UnpicklingError):
        torch.load(checkpoint, map_location='cpu', weights_only=True)


@pytest.mark.parametrize('owner,name', [(HistoryBuffer, '__init__'),
                                        (HistoryBuffer, 'update'),
                                        (HistoryBuffer.mean, '__globals__'),
                                        (os, 'system')])
def test_getattr_only_reaches_the_statistics_methods(owner, name):
    with pytest.raises(pickle.UnpicklingError, match='refused'):
        history_buffer_statistic(owner, name)
    assert history_buffer_statistic(HistoryBuffer, 'max') is HistoryBuffer.max


@pytest.mark.parametrize('payload', ['side_effect', 'globals'])
def test_pickled_callables_are_still_refused(tmp_path, payload):
    target = str(tmp_path / 'pwned')
    extra = SideEffect(target) if payload == 'side_effect' else \
        GlobalsOfAMethod()
    path = str(tmp_path / 'malicious.pth')
    torch.save(
        dict(state_dict=TinyRegressor().state_dict(), extra=extra), path)
    with pytest.raises(CheckpointError, match='weights-only loading refuses'):
        load_checkpoint(path)
    assert not osp.exists(target)


@needs_weights_only_default
def test_compat_runner_loads_a_training_checkpoint_from_elsewhere(
        checkpoint, tmp_path):
    """``load_from`` (as ``mim test --checkpoint`` sets it) outside the
    work_dir: weights-only, but the training checkpoint loads."""
    stock = tiny_runner(tmp_path / 'stock', Runner, load_from=checkpoint)
    with pytest.raises(pickle.UnpicklingError):
        stock.load_or_resume()
    runner = tiny_runner(tmp_path / 'run', load_from=checkpoint)
    runner.load_or_resume()
    expected = torch.load(checkpoint, weights_only=False)['state_dict']
    for name, value in runner.model.state_dict().items():
        torch.testing.assert_close(value, expected[name], rtol=0, atol=0)
    assert runner_log(runner).count(ALLOWLIST_NOTE) == 1


@needs_weights_only_default
def test_compat_runner_resumes_a_training_checkpoint_from_elsewhere(
        checkpoint, tmp_path):
    runner = tiny_runner(
        tmp_path / 'run', max_iters=4, load_from=checkpoint, resume=True)
    runner.train()
    assert 'resumed epoch: 0, iter: 2' in runner_log(runner)


@pytest.mark.parametrize('module,version', [(mmengine, '0.10.8'),
                                            (mmengine, '0.9.1'),
                                            (torch, '2.5.1')])
def test_declines_outside_its_versions(checkpoint, tmp_path, monkeypatch,
                                       module, version):
    runner = tiny_runner(tmp_path / 'run', load_from=checkpoint)
    monkeypatch.setattr(module, '__version__', version)
    with pytest.raises(pickle.UnpicklingError):  # as mmengine's Runner
        runner.load_or_resume()
    log = runner_log(runner)
    assert log.count(DECLINED_NOTE) == 1 and f'found {version}' in log
    assert ALLOWLIST_NOTE not in log
