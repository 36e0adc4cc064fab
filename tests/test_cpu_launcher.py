"""CompatRunner's CPU launcher fix: a one-process gloo group under
``launcher='pytorch'``, in-process."""
import socket

import mmengine
import pytest
import torch.distributed as torch_dist
from helpers import runner_log, tiny_runner
from mmengine.device import get_device
from mmengine.logging import MMLogger
from mmengine.runner import Runner

pytestmark = pytest.mark.skipif(
    get_device() != 'cpu', reason='the fix is for machines without a GPU')

# DDP takes no device ids for a CPU module
CPU_DDP = dict(
    model_wrapper_cfg=dict(type='MMDistributedDataParallel', device_ids=None))


@pytest.fixture
def torchrun_env(monkeypatch):
    """The variables torchrun sets for one process; the group is destroyed
    afterwards."""
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
    env = dict(
        RANK='0',
        LOCAL_RANK='0',
        WORLD_SIZE='1',
        MASTER_ADDR='127.0.0.1',
        MASTER_PORT=str(port),
        OMP_NUM_THREADS='1',  # mmengine sets it in a distributed run
        MKL_NUM_THREADS='1')
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    yield
    if torch_dist.is_initialized():
        torch_dist.destroy_process_group()


def launched(work_dir, runner_type=None, backend='gloo'):
    return tiny_runner(
        work_dir,
        runner_type,
        launcher='pytorch',
        env_cfg=dict(dist_cfg=dict(backend=backend)),
        cfg=CPU_DDP)


def test_gloo_job_starts_and_trains(tmp_path, torchrun_env):
    runner = launched(tmp_path)
    assert runner.distributed and torch_dist.get_backend() == 'gloo'
    runner.train()
    assert runner.iter == 2
    log = runner_log(runner)
    assert log.count('the gloo process group (rank 0 of 1) was started') == 1


def test_stock_runner_needs_a_gpu(tmp_path, torchrun_env):
    with pytest.raises((RuntimeError, AssertionError),
                       match='(?i)nvidia|cuda'):
        launched(tmp_path, Runner)
    assert not torch_dist.is_initialized()


def test_other_backends_are_refused_with_the_setting_named(
        tmp_path, torchrun_env):
    with pytest.raises(
            ValueError, match=r"env_cfg\.dist_cfg\.backend.*'gloo'"):
        launched(tmp_path, backend='nccl')


def test_declines_outside_its_versions(tmp_path, torchrun_env, monkeypatch):
    monkeypatch.setattr(mmengine, '__version__', '0.10.8')
    log_file = tmp_path / 'decline.log'
    MMLogger.get_instance('cpu_launcher_decline', log_file=str(log_file))
    with pytest.raises((RuntimeError, AssertionError),
                       match='(?i)nvidia|cuda'):
        launched(tmp_path)
    assert log_file.read_text().count(
        'the CPU launcher fix is off (written for mmengine 0.10.0 to 0.10.7, '
        'found 0.10.8)') == 1
