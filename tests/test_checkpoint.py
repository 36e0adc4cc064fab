"""CompatRunner's auto-resume fix, on a tiny model trained in-process."""
import os
import os.path as osp
import pickle

import mmengine
import pytest
import torch
from helpers import TinyRegressor, runner_log, tiny_runner
from mmengine.runner import Runner
from mmengine.utils import digit_version

FULL_LOAD_NOTE = "resuming loads the run's own checkpoint"
DECLINED_NOTE = 'the auto-resume fix is off'


class Exploit:
    """Creates a directory when unpickled."""

    def __init__(self, target: str) -> None:
        self.target = target

    def __reduce__(self):
        return (os.makedirs, (self.target, ))


@pytest.fixture
def trained(tmp_path):
    """A work_dir with mmengine's training checkpoint of iteration 2."""
    work_dir = tmp_path / 'run'
    tiny_runner(work_dir).train()
    return work_dir


def test_resumes_its_own_checkpoint(trained, tmp_path):
    runner = tiny_runner(trained, max_iters=4, resume=True)
    resumed = runner.train()
    log = runner_log(runner)
    assert 'resumed epoch: 0, iter: 2' in log
    assert log.count(FULL_LOAD_NOTE) == 1
    # the run continues as if it had not stopped
    straight = tiny_runner(tmp_path / 'straight', max_iters=4).train()
    for name, value in straight.state_dict().items():
        torch.testing.assert_close(
            resumed.state_dict()[name], value, rtol=0, atol=0)


@pytest.mark.skipif(
    digit_version(torch.__version__) < digit_version('2.6.0'),
    reason='torch.load defaults to weights_only=True from torch 2.6')
def test_stock_runner_cannot_resume_the_same_file(trained):
    runner = tiny_runner(trained, Runner, max_iters=4, resume=True)
    with pytest.raises(pickle.UnpicklingError):
        runner.train()


def test_resumes_the_file_named_by_last_checkpoint(tmp_path):
    work_dir = tmp_path / 'run'
    tiny_runner(work_dir, out_dir=str(tmp_path / 'out')).train()
    # CheckpointHook writes to out_dir/<work_dir's name>
    assert osp.isfile(tmp_path / 'out' / 'run' / 'iter_2.pth')
    assert not osp.exists(work_dir / 'iter_2.pth')
    runner = tiny_runner(work_dir, max_iters=4, resume=True)
    runner.train()
    assert 'resumed epoch: 0, iter: 2' in runner_log(runner)


@pytest.mark.parametrize('resume', [True, False])
def test_load_from_outside_the_work_dir_stays_weights_only(tmp_path, resume):
    target = str(tmp_path / 'pwned')
    path = str(tmp_path / 'elsewhere.pth')
    torch.save(
        dict(
            meta=dict(epoch=0, iter=2),
            state_dict=TinyRegressor().state_dict(),
            extra=Exploit(target)), path)
    runner = tiny_runner(tmp_path / 'run', load_from=path, resume=resume)
    with pytest.raises(pickle.UnpicklingError, match='(?i)weights.only'):
        runner.train()
    assert not osp.exists(target)


def test_init_cfg_weights_stay_weights_only(trained):
    """Only resuming loads in full: init_cfg weights, even a file of the
    run's own, stay weights-only."""
    init_cfg = dict(type='Pretrained', checkpoint=str(trained / 'iter_2.pth'))
    runner = tiny_runner(trained, max_iters=4, init_cfg=init_cfg)
    with pytest.raises(pickle.UnpicklingError):
        runner.train()


@pytest.mark.parametrize('module,version', [(mmengine, '0.10.8'),
                                            (mmengine, '0.9.1'),
                                            (torch, '2.5.1')])
def test_declines_outside_its_versions(trained, monkeypatch, module, version):
    runner = tiny_runner(trained, max_iters=4, resume=True)
    monkeypatch.setattr(module, '__version__', version)
    with pytest.raises(pickle.UnpicklingError):  # as mmengine's Runner
        runner.train()
    log = runner_log(runner)
    assert log.count(DECLINED_NOTE) == 1 and f'found {version}' in log
    assert FULL_LOAD_NOTE not in log
