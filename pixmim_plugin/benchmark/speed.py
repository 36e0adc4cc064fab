"""How fast a config trains, behind ``tools/benchmark.py --only speed``.

A training step (``model.loss`` + ``update_params``, the config's own model,
optimizer wrapper, param groups and data preprocessor) is timed for the
variants torch offers (foreach or fused optimizer, float16 or bfloat16
autocast, eager or ``torch.compile``), with the step's FLOPs counted by
``torch.utils.flop_counter.FlopCounterMode``; and the config's training
pipeline is timed on JPEG files of ImageNet-like size, in one process with
one thread, so that images per second per CPU core say how many loader
cores one device needs.
"""
import copy
import os
import os.path as osp
import time
from dataclasses import dataclass
from typing import Callable, Dict, List, Sequence, Tuple

import numpy as np
import torch
from mmengine.config import Config
from mmengine.dataset import Compose
from mmengine.optim import build_optim_wrapper
from mmpretrain.registry import MODELS, TRANSFORMS

from .timing import median_time, no_sync

FUSABLE = ('AdamW', 'Adam', 'SGD')


@dataclass(frozen=True)
class Variant:
    """One way to run the step.

    Attributes:
        dtype (str): Autocast dtype, ``'float32'`` for no autocast.
        fused (bool): The fused optimizer (else torch's foreach one).
        compile (bool): ``torch.compile(model.loss)``.
    """
    dtype: str
    fused: bool
    compile: bool = False

    @property
    def name(self) -> str:
        parts = ['fused' if self.fused else 'foreach']
        if self.dtype != 'float32':
            parts.append({'float16': 'fp16', 'bfloat16': 'bf16'}[self.dtype])
        if self.compile:
            parts.append('compile')
        return ' + '.join(parts)


def variants(device: str, bf16: bool, compile: bool = True) -> List[Variant]:
    """The variants worth timing on ``device``: on CUDA foreach / fused in
    float16 and (where supported) bfloat16, then the compiled fused step in
    each; on CPU float32 foreach / fused, then compiled."""
    dtypes = ['float16', 'bfloat16'] if device == 'cuda' else ['float32']
    if device == 'cuda' and not bf16:
        dtypes = ['float16']
    out = [Variant(d, fused) for d in dtypes for fused in (False, True)]
    if compile:
        out += [Variant(d, True, True) for d in reversed(dtypes)]
    return out


def shipped_variant(cfg: Config, device: str, bf16: bool) -> Variant:
    """The variant the config runs as written on ``device``."""
    wrapper = cfg.optim_wrapper
    dtype = 'float32'
    if device == 'cuda' and 'Amp' in wrapper.get('type', 'OptimWrapper'):
        dtype = wrapper.get('dtype') or 'float16'
        if dtype == 'auto':
            dtype = 'bfloat16' if bf16 else 'float16'
    return Variant(dtype, bool(wrapper.optimizer.get('fused')),
                   bool(cfg.get('compile')))


def write_jpegs(out_dir: str,
                count: int,
                size: Tuple[int, int] = (375, 500),
                seed: int = 0) -> List[str]:
    """``count`` JPEG files of ``size`` (h, w), ImageNet's typical 500 x 375,
    with smooth structure and noise, so that decoding costs what a photo
    costs."""
    import cv2
    rng = np.random.default_rng(seed)
    os.makedirs(out_dir, exist_ok=True)
    h, w = size
    files = []
    for i in range(count):
        coarse = rng.uniform(0, 255, (h // 25 + 1, w // 25 + 1, 3))
        img = cv2.resize(coarse, (w, h), interpolation=cv2.INTER_CUBIC)
        img += rng.normal(0, 12, img.shape)
        path = osp.join(out_dir, f'{i:05d}.jpg')
        cv2.imwrite(path,
                    img.clip(0, 255).astype(np.uint8),
                    [cv2.IMWRITE_JPEG_QUALITY, 90])
        files.append(path)
    return files


def training_pipeline(cfg: Config) -> Compose:
    """The config's training pipeline, built from mmpretrain's registry."""
    return Compose([
        TRANSFORMS.build(step)
        for step in cfg.train_dataloader.dataset.pipeline
    ])


def loader_throughput(cfg: Config,
                      files: Sequence[str],
                      repeats: int = 2) -> float:
    """Images per second per CPU core of the config's training pipeline
    (decode, crop, flip, pack) on ``files``, one thread: the median of
    ``repeats`` passes."""
    import cv2
    threads, cv_threads = torch.get_num_threads(), cv2.getNumThreads()
    torch.set_num_threads(1)
    cv2.setNumThreads(1)
    try:
        pipeline = training_pipeline(cfg)
        pipeline(dict(img_path=files[0]))  # warm-up
        rates = []
        for _ in range(repeats):
            start = time.perf_counter()
            for path in files:
                pipeline(dict(img_path=path))
            rates.append(len(files) / (time.perf_counter() - start))
        return float(np.median(rates))
    finally:
        torch.set_num_threads(threads)
        cv2.setNumThreads(cv_threads)


def build_model(cfg: Config, device: str) -> torch.nn.Module:
    """The config's model with its data preprocessor, as the Runner builds
    it, on ``device``, in training mode."""
    model_cfg = copy.deepcopy(cfg.model)
    if cfg.get('data_preprocessor'):
        model_cfg.setdefault('data_preprocessor', cfg.data_preprocessor)
    model = MODELS.build(model_cfg)
    model.init_weights()
    return model.to(device).train()


def synthetic_batch(cfg: Config, model: torch.nn.Module, files: Sequence[str],
                    batch: int) -> dict:
    """A batch as the config's loader and data preprocessor make it: the
    training pipeline on ``files`` (cycled to ``batch`` samples), collated,
    then preprocessed on the model's device."""
    from mmengine.dataset import default_collate, pseudo_collate
    pipeline = training_pipeline(cfg)
    samples = [
        pipeline(dict(img_path=files[i % len(files)])) for i in range(batch)
    ]
    collate = cfg.train_dataloader.get('collate_fn', {}).get('type')
    data = (default_collate
            if collate == 'default_collate' else pseudo_collate)(
                samples)
    return model.data_preprocessor(data, training=True)


def optim_wrapper_cfg(cfg: Config, variant: Variant) -> dict:
    """The config's optimizer wrapper with the variant's dtype and
    optimizer implementation, constructor and param groups unchanged."""
    wrapper = copy.deepcopy(cfg.optim_wrapper.to_dict())
    optimizer = wrapper['optimizer']
    if optimizer['type'] in FUSABLE:
        optimizer['fused'] = variant.fused
        optimizer['foreach'] = None if variant.fused else True
    if variant.dtype == 'float32':
        wrapper['type'] = 'OptimWrapper'
        wrapper.pop('loss_scale', None)
        wrapper.pop('dtype', None)
    else:
        wrapper.update(type='AmpOptimWrapper', dtype=variant.dtype)
        if variant.dtype == 'bfloat16':
            wrapper['loss_scale'] = dict(enabled=False)
    return wrapper


def training_step(cfg: Config, variant: Variant, data: dict,
                  model: torch.nn.Module) -> Callable[[], torch.Tensor]:
    """One optimisation step of ``model`` on ``data`` in ``variant``."""
    wrapper = build_optim_wrapper(model, optim_wrapper_cfg(cfg, variant))
    loss_fn = torch.compile(model.loss) if variant.compile else model.loss
    inputs, data_samples = data['inputs'], data['data_samples']

    def step() -> torch.Tensor:
        with wrapper.optim_context(model):
            losses = loss_fn(inputs, data_samples)
        loss, _ = model.parse_losses(losses)
        wrapper.update_params(loss)
        return loss.detach()

    return step


def count_flops(model: torch.nn.Module, data: dict, dtype: str) -> int:
    """FLOPs of one forward and backward of ``model.loss`` on ``data``,
    counted by ``FlopCounterMode`` (matrix products, convolutions and
    attention; elementwise work is not counted)."""
    from torch.utils.flop_counter import FlopCounterMode
    device = data['inputs'].device.type
    with FlopCounterMode(display=False) as counter:
        with torch.autocast(
                device, getattr(torch, dtype), enabled=dtype != 'float32'):
            losses = model.loss(data['inputs'], data['data_samples'])
        loss, _ = model.parse_losses(losses)
        loss.backward()
    model.zero_grad(set_to_none=True)
    return counter.get_total_flops()


def time_step(step: Callable[[], torch.Tensor],
              repeats: int,
              warmup: int = 3,
              sync: Callable[[], None] = no_sync) -> Dict[str, float]:
    """Median seconds per step after ``warmup`` steps (at least two), the
    first of which (compiling, for a compiled step) is reported as
    ``first``."""
    start = time.perf_counter()
    step()
    sync()
    first = time.perf_counter() - start
    for _ in range(warmup - 2):
        step()
    # median_time takes the last warm-up step itself
    return dict(median=median_time(step, repeats, sync), first=first)
