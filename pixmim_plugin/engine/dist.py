"""Let mmengine's ``pytorch`` launcher start gloo jobs on machines without a
GPU.

mmengine 0.10.7's ``_init_dist_pytorch`` calls ``torch.cuda.set_device``
before ``init_process_group``, which raises on a machine without a CUDA
driver, so ``--launcher pytorch`` cannot even start a CPU (gloo) job. Where
no accelerator is visible, the plugin skips only that call; everything else is
mmengine's own launcher. A CPU job also needs the model wrapper built with
``device_ids=None`` (see ``configs/demo``).
"""
import functools

import torch.distributed as torch_dist
from mmengine.device import get_device
from mmengine.dist import utils as dist_utils


def _skip_set_device_without_gpu(init_dist_pytorch):

    @functools.wraps(init_dist_pytorch)
    def wrapper(backend, init_backend='torch', **kwargs):
        if get_device() != 'cpu' or init_backend != 'torch':
            return init_dist_pytorch(backend, init_backend, **kwargs)
        if backend != 'gloo':
            raise RuntimeError(
                f'no GPU is visible, so the {backend!r} backend cannot run; '
                "set env_cfg.dist_cfg.backend='gloo' for a CPU job")
        torch_dist.init_process_group(backend=backend, **kwargs)

    wrapper.skips_set_device = True
    return wrapper


def install_cpu_launcher_support() -> None:
    """Wrap mmengine's pytorch-launcher initialisation. Idempotent."""
    init = dist_utils._init_dist_pytorch
    if not getattr(init, 'skips_set_device', False):
        dist_utils._init_dist_pytorch = _skip_set_device_without_gpu(init)
