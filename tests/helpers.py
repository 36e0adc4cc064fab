"""Helpers shared by the tests: independent references and tiny models."""
import itertools
import os
import os.path as osp
import subprocess
import sys
from typing import Optional

import numpy as np
import torch
from mmengine.config import Config
from mmengine.model import BaseModel


def low_pass_reference(x: np.ndarray,
                       radius: float,
                       inclusive: bool = True) -> np.ndarray:
    """Ideal low-pass filter with numpy's float64 complex DFT, independent of
    the plugin: integer offsets from ``np.fft.fftfreq``, full complex
    spectrum, real part of the inverse."""
    h, w = x.shape[-2:]
    u = np.round(np.fft.fftfreq(h) * h)
    v = np.round(np.fft.fftfreq(w) * w)
    r2 = u[:, None]**2 + v[None, :]**2
    keep = r2 <= radius**2 if inclusive else r2 < radius**2
    spectrum = np.fft.fft2(x.astype(np.float64)) * keep
    out = np.fft.ifft2(spectrum)
    assert np.abs(out.imag).max() < 1e-9 * max(1, np.abs(out.real).max())
    return out.real


def mae_family_cfg(algorithm: str,
                   backbone: dict,
                   num_patches: int,
                   patch_size: int,
                   embed_dim: int,
                   decoder_embed_dim: int = 16,
                   decoder_num_heads: int = 2,
                   neck_type: str = 'MAEPretrainDecoder',
                   target_generator: Optional[dict] = None,
                   **extra) -> dict:
    """An MAE-family algorithm around ``backbone``: a one-block decoder and
    MAE's normalised-pixel L2 head (``extra``: more algorithm keys)."""
    cfg = dict(
        type=algorithm,
        backbone=backbone,
        neck=dict(
            type=neck_type,
            num_patches=num_patches,
            patch_size=patch_size,
            embed_dim=embed_dim,
            decoder_embed_dim=decoder_embed_dim,
            decoder_depth=1,
            decoder_num_heads=decoder_num_heads),
        head=dict(
            type='MAEPretrainHead',
            norm_pix=True,
            patch_size=patch_size,
            loss=dict(type='PixelReconstructionLoss', criterion='L2')),
        **extra)
    if target_generator is not None:
        cfg['target_generator'] = target_generator
    return cfg


def tiny_mae_cfg(algorithm: str = 'PixMIM',
                 img_size: int = 32,
                 patch_size: int = 8,
                 target_generator: dict = None) -> dict:
    """A DeiT-tiny MAE / PixMIM with a one-block decoder: CPU-sized."""
    return mae_family_cfg(
        algorithm,
        dict(
            type='MAEViT',
            arch='deit-tiny',
            img_size=img_size,
            patch_size=patch_size,
            mask_ratio=0.75),
        num_patches=(img_size // patch_size)**2,
        patch_size=patch_size,
        embed_dim=192,
        decoder_embed_dim=64,
        decoder_num_heads=4,
        target_generator=target_generator)


def tiny_mfm_cfg(img_size: tuple = (12, 13),
                 patch_size: int = 1,
                 corruption: dict = None,
                 normalise: bool = True) -> dict:
    """A one-block BEiT-style MFM: with ``patch_size=1`` its prediction has
    the input's size whatever the width (odd ones included). ``normalise``:
    a data preprocessor with ImageNet's mean and std, else none."""
    cfg = dict(
        type='MFM',
        backbone=dict(
            type='BEiTViT',
            arch=dict(
                embed_dims=32,
                num_layers=1,
                num_heads=2,
                feedforward_channels=64),
            img_size=img_size,
            patch_size=patch_size,
            use_abs_pos_emb=True,
            use_rel_pos_bias=False,
            layer_scale_init_value=0.,
            final_norm=True,
            out_type='featmap'),
        neck=dict(
            type='SimMIMLinearDecoder',
            in_channels=32,
            encoder_stride=patch_size),
        head=dict(type='MIMHead', loss=dict(type='FrequencyLoss')),
        corruption=corruption or dict(type='FrequencyCorruption', radius=3))
    if normalise:
        cfg['data_preprocessor'] = dict(
            type='SelfSupDataPreprocessor',
            mean=[123.675, 116.28, 103.53],
            std=[58.395, 57.12, 57.375])
    return cfg


def pretrained_model(algorithm: str) -> torch.nn.Module:
    """A tiny PixMIM (MAEViT) or MFM (BEiTViT) with random weights."""
    from mmengine.registry import MODELS, init_default_scope

    import pixmim_plugin  # noqa: F401
    init_default_scope('mmpretrain')
    if algorithm == 'PixMIM':
        cfg = tiny_mae_cfg('PixMIM', 64, 16,
                           dict(type='LowFreqTargetGenerator', radius=8))
    else:
        cfg = dict(
            type='MFM',
            backbone=dict(
                type='BEiTViT',
                use_abs_pos_emb=True,
                use_rel_pos_bias=False,
                layer_scale_init_value=0.,
                final_norm=True,
                out_type='featmap',
                arch='deit-tiny',
                img_size=64,
                patch_size=16),
            neck=dict(
                type='SimMIMLinearDecoder', in_channels=192,
                encoder_stride=16),
            head=dict(type='MIMHead', loss=dict(type='FrequencyLoss')),
            corruption=dict(type='FrequencyCorruption', radius=4))
    model = MODELS.build(cfg)
    model.init_weights()
    with torch.no_grad():  # make the q/v biases non-trivial
        for name, param in model.named_parameters():
            if name.endswith(('q_bias', 'v_bias')):
                param.normal_()
    return model.eval()


class TinyRegressor(BaseModel):
    """A 3 -> 1 linear model whose loss is its mean squared output."""

    def __init__(self, init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.linear = torch.nn.Linear(3, 1)

    def forward(self, inputs, data_samples=None, mode='tensor'):
        out = self.linear(inputs)
        return dict(loss=out.pow(2).mean()) if mode == 'loss' else out


_runner_ids = itertools.count()


def tiny_runner(work_dir: str,
                runner_type: Optional[type] = None,
                max_iters: int = 2,
                init_cfg: Optional[dict] = None,
                out_dir: Optional[str] = None,
                **kwargs):
    """A runner (CompatRunner unless ``runner_type``) training
    :class:`TinyRegressor` with SGD on 8 fixed inputs, batch 2 in order, for
    ``max_iters``, checkpointing every 2 iterations (to ``out_dir`` when
    given), from the same weights each time; ``kwargs`` go to the runner."""
    from pixmim_plugin.engine import CompatRunner
    with torch.random.fork_rng():
        torch.manual_seed(0)
        model = TinyRegressor(init_cfg)
    data = [dict(inputs=torch.full((3, ), float(i))) for i in range(8)]
    return (runner_type or CompatRunner)(
        model=model,
        work_dir=str(work_dir),
        train_dataloader=dict(
            dataset=data,
            sampler=dict(type='DefaultSampler', shuffle=False),
            collate_fn=dict(type='default_collate'),
            batch_size=2),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.01)),
        train_cfg=dict(by_epoch=False, max_iters=max_iters),
        default_hooks=dict(
            checkpoint=dict(
                type='CheckpointHook',
                interval=2,
                by_epoch=False,
                out_dir=out_dir)),
        default_scope='mmengine',
        # mmengine keeps one logger per experiment name
        experiment_name=f'tiny_runner_{next(_runner_ids)}',
        **kwargs)


def runner_log(runner) -> str:
    """The text of ``runner``'s log file."""
    with open(f'{runner.log_dir}/{runner.timestamp}.log') as f:
        return f.read()


ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
MIM = osp.join(osp.dirname(sys.executable), 'mim')
DEMO = osp.join(ROOT, 'configs', 'demo')


def mim_run(library, config, work_dir, options, gpus=None, pythonpath=None):
    """``mim train LIBRARY CONFIG``; the log, after asserting success."""
    cmd = [MIM, 'train', library, config, '--work-dir', work_dir]
    if gpus:
        cmd += ['--launcher', 'pytorch', '--gpus', str(gpus)]
    cmd += ['--cfg-options', *options]
    env = dict(os.environ, OMP_NUM_THREADS='1', PYTHONUNBUFFERED='1')
    if pythonpath:
        env['PYTHONPATH'] = os.pathsep.join(
            [pythonpath, *filter(None, [env.get('PYTHONPATH')])])
    proc = subprocess.run(
        cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-5000:]
    return log


def mim_train(config,
              work_dir,
              data_root,
              max_iters,
              *extra,
              gpus=None,
              pythonpath=None):
    """A demo pre-training run of ``max_iters`` on the test's shapes set,
    batch 4 unless ``extra`` options say otherwise."""
    return mim_run(
        'mmpretrain',
        config,
        work_dir, [
            f'train_cfg.max_iters={max_iters}',
            f'train_dataloader.dataset.data_root={data_root}',
            'train_dataloader.batch_size=4', 'train_dataloader.num_workers=0',
            'train_dataloader.persistent_workers=False',
            'default_hooks.checkpoint.interval=2',
            'default_hooks.logger.interval=1', *extra
        ],
        gpus=gpus,
        pythonpath=pythonpath)


def load_trusted(path):
    return torch.load(path, map_location='cpu', weights_only=False)


def flatten(value, prefix=''):
    """{'a.b.0.c': leaf} for nested dicts and lists; `_scope_` dropped."""
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, (list, tuple)):
        items = enumerate(value)
    else:
        return {prefix: value}
    out = {}
    for key, sub in items:
        if key != '_scope_':
            out.update(flatten(sub, f'{prefix}.{key}' if prefix else str(key)))
    return out


def differing_keys(a: Config, b: Config):
    fa, fb = flatten(a.to_dict()), flatten(b.to_dict())
    return {k for k in fa.keys() | fb.keys() if fa.get(k) != fb.get(k)}


def load_config(path: str) -> Config:
    """The config at ``path`` (relative to the repository); the test is
    skipped where it inherits from a library that is not installed
    (``mmdet::`` or ``mmseg::`` bases on a mmcv-lite install)."""
    import pytest
    try:
        return Config.fromfile(osp.join(ROOT, path))
    except ModuleNotFoundError as error:
        if 'is not installed' not in str(error):  # mmengine's, for pkg::
            raise
        pytest.skip(f'{error}: make install-full')
