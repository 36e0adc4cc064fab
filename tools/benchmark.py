"""Side-by-side speed of PixMIM's pieces against what people use otherwise.

    python tools/benchmark.py            # full run
    python tools/benchmark.py --quick    # under 2 minutes on 2 CPU cores
    python tools/benchmark.py --only mfm --batch 256   # MFM's GPU table
    python tools/benchmark.py --only bases --batch 4   # PixMIM on MFF etc.
    python tools/benchmark.py --only speed --config configs/pixmim_mae_vit-b.py

Everything is measured in one process and one run; each row is the median
of repeated timings, and each ratio compares rows of the same table.
Prints markdown tables.
"""
import argparse
import os.path as osp
import platform
import tempfile
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Tuple

import cv2
import numpy as np
import torch
from mmengine.dataset import Compose, default_collate
from mmengine.registry import init_default_scope
from mmpretrain.registry import MODELS, TRANSFORMS
from PIL import Image

import pixmim_plugin  # noqa: F401
from pixmim_plugin.benchmark import (MMSelfSupLowFreq, count_passes,
                                     interleaved_medians, median_time, no_sync,
                                     peak_extra_mb, print_table)
from pixmim_plugin.cli import check_config, tool_main
from pixmim_plugin.demo.shapes import render_image
from pixmim_plugin.frequency import low_pass

# the configs the sections build, found from any working directory
CONFIGS = osp.join(osp.dirname(osp.dirname(osp.abspath(__file__))), 'configs')


def default_device() -> str:
    return 'cuda' if torch.cuda.is_available() else 'cpu'


@dataclass(frozen=True)
class Settings:
    """Everything the sections read, built once from the command line;
    the sizes that ``--quick`` lowers are properties.

    Args:
        sections (tuple[str]): the sections to run, in order.
        quick (bool): fewer repeats, sizes and images.
        threads (int): torch's CPU threads.
        batch (int, optional): batch of the training-step sections; None
            for the defaults of :attr:`train_batch`.
        amp_dtypes (tuple[str]): autocast dtypes of the MFM section on CUDA.
        target_batch (int): images per low-pass call (target and memory
            sections).
        device (str): where the training-step sections run: 'cuda' when
            torch sees a GPU, else 'cpu'.
        config (str): the config the speed section builds.
        peak_tflops (float, optional): the device's dense peak, for the
            speed section's share-of-peak column.
    """
    sections: Tuple[str, ...]
    quick: bool = False
    threads: int = 2
    batch: Optional[int] = None
    amp_dtypes: Tuple[str, ...] = ('float16', 'bfloat16')
    target_batch: int = 64
    device: str = field(default_factory=default_device)
    config: str = osp.join(CONFIGS, 'pixmim_mae_vit-b.py')
    peak_tflops: Optional[float] = None

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> 'Settings':
        return cls(
            sections=tuple(args.only),
            quick=args.quick,
            threads=args.threads,
            batch=args.batch,
            amp_dtypes=tuple(args.amp_dtypes),
            config=args.config,
            peak_tflops=args.peak_tflops)

    @property
    def loader_images(self) -> int:
        """JPEG files the speed section's loader timing decodes."""
        return 32 if self.quick else 128

    @property
    def repeats(self) -> int:
        """Timed calls per row of the target, crop and pipeline tables."""
        return 3 if self.quick else 7

    @property
    def train_repeats(self) -> int:
        """Timed steps per row of the training-step tables."""
        return 3 if self.quick else 7

    @property
    def target_sizes(self) -> List[int]:
        return [224] if self.quick else [224, 448]

    @property
    def crop_images(self) -> int:
        return 100 if self.quick else 400

    @property
    def pipeline_images(self) -> int:
        return 64 if self.quick else 256

    @property
    def train_batch(self) -> int:
        """``batch``, else 256 on CUDA, 8 on CPU (4 with ``quick``)."""
        if self.batch:
            return self.batch
        if self.device == 'cuda':
            return 256
        return 4 if self.quick else 8

    @property
    def sync(self) -> Callable[[], None]:
        """Waits for :attr:`device` after each timed call."""
        return torch.cuda.synchronize if self.device == 'cuda' else no_sync


def bench_target(settings: Settings) -> None:
    """mmselfsup 1.0's generator against ours (rfft2 and auto), per device
    and image size."""
    devices = ['cpu'] + (['cuda'] if torch.cuda.is_available() else [])
    rows = []
    for device in devices:
        sync = torch.cuda.synchronize if device == 'cuda' else no_sync
        for size in settings.target_sizes:
            radius = 40 * size / 224
            x = torch.randn(
                settings.target_batch, 3, size, size, device=device)
            ref = MMSelfSupLowFreq(radius, size).to(device)
            gen = MODELS.build(
                dict(type='LowFreqTargetGenerator', radius=radius))
            t_ref = median_time(lambda: ref(x), settings.repeats, sync)
            t_ours = median_time(lambda: gen(x), settings.repeats, sync)
            t_fft = median_time(lambda: low_pass(x, radius, method='fft'),
                                settings.repeats, sync)
            rows.append([
                device, f'{settings.target_batch}x3x{size}x{size}',
                f'{radius:g}', f'{t_ref * 1e3:.1f}', f'{t_fft * 1e3:.1f}',
                f'{t_ours * 1e3:.1f}', f'**{t_ref / t_ours:.1f}x**'
            ])
    print_table('Low-frequency target (ms per batch, median)', [
        'device', 'batch', 'r', 'mmselfsup 1.0 style', 'ours, rfft2',
        'ours, auto', 'speed-up (auto)'
    ], rows)


def bench_memory(settings: Settings) -> None:
    """Peak extra memory of each generator, each in a fresh interpreter."""
    n = settings.target_batch
    setup = ('import torch\n'
             'from pixmim_plugin.frequency import low_pass\n'
             'from pixmim_plugin.benchmark import MMSelfSupLowFreq\n'
             'torch.set_num_threads(2)\n'
             f'x = torch.randn({n}, 3, 224, 224)\n'
             'ref = MMSelfSupLowFreq(40, 224)\n'
             'low_pass(x[:1], 40); low_pass(x[:1], 40, method="fft")\n'
             'ref(x[:1])')
    batch_mb = n * 3 * 224 * 224 * 4 / 2**20
    rows = []
    for name, call in [
        ('ours, auto (truncated DFT)', 'y = low_pass(x, 40)'),
        ('ours, rfft2', "y = low_pass(x, 40, method='fft')"),
        ('mmselfsup 1.0 style', 'y = ref(x)'),
    ]:
        extra = peak_extra_mb(setup, call)
        rows.append([name, f'{extra:.0f}', f'{extra / batch_mb:.1f}'])
    print_table(
        f'Peak extra memory of the target, {n}x3x224x224 float32 '
        f'({batch_mb:.0f} MB a batch; the output is one batch)',
        ['generator', 'MB', 'batches'], rows)


def jpeg_like_images(count: int, size=(375, 500)) -> List[np.ndarray]:
    """Textured RGB uint8 images of a typical ImageNet JPEG size."""
    out = []
    for i in range(count):
        img, _ = render_image(i, i % 8, size=(size[0] // 4, size[1] // 4))
        big = cv2.resize(img, size[::-1], interpolation=cv2.INTER_CUBIC)
        noise = np.random.default_rng(i).integers(0, 24, big.shape)
        out.append(np.clip(big + noise, 0, 255).astype(np.uint8))
    return out


def torchvision_src() -> Callable[[dict], dict]:
    """mmselfsup's PixMIM pipeline: to PIL, Resize, RandomCrop with reflect
    padding, flip, back to numpy."""
    from torchvision import transforms as T
    compose = T.Compose([
        T.Resize(224),
        T.RandomCrop(224, padding=4, padding_mode='reflect'),
        T.RandomHorizontalFlip(0.5)
    ])

    def run(results: dict) -> dict:
        pil = Image.fromarray(results['img'][..., ::-1])  # BGR -> RGB
        results['img'] = np.asarray(compose(pil))[..., ::-1]
        return results

    return run


def bench_crop(settings: Settings) -> None:
    """Crop + flip transforms on ImageNet-sized images, one thread, in
    turns."""
    torch.set_num_threads(1)
    cv2.setNumThreads(1)
    images = jpeg_like_images(settings.crop_images)
    flip = TRANSFORMS.build(dict(type='RandomFlip', prob=0.5))
    candidates: Dict[str, Callable[[dict], dict]] = {
        'torchvision composition (mmselfsup PixMIM)':
        torchvision_src(),
        'RandomResizedCrop (MAE: pillow, bicubic) + flip':
        Compose([
            dict(
                type='RandomResizedCrop',
                scale=224,
                crop_ratio_range=(0.2, 1.0),
                backend='pillow',
                interpolation='bicubic'), flip
        ]),
    }
    # mmpretrain's stock pair; 'area' is what SimpleResizedCrop's cv2
    # backend downscales with, 'bilinear' the stock default (no antialias)
    for backend, interpolation in (('pillow', 'bilinear'), ('cv2', 'area'),
                                   ('cv2', 'bilinear')):
        candidates[f'ResizeEdge + RandomCrop(padding=4, reflect) '
                   f'({backend}, {interpolation}) + flip'] = Compose([
                       dict(
                           type='ResizeEdge',
                           scale=224,
                           edge='short',
                           backend=backend,
                           interpolation=interpolation),
                       dict(
                           type='RandomCrop',
                           crop_size=224,
                           padding=4,
                           padding_mode='reflect'), flip
                   ])
    for backend in ('torch', 'pillow', 'cv2'):
        candidates[f'SimpleResizedCrop ({backend}) + flip'] = Compose(
            [dict(type='SimpleResizedCrop', scale=224, backend=backend), flip])

    # in turns, so that a change of load hits every row alike
    seconds = interleaved_medians(
        {
            name: lambda fn=fn: [fn(dict(img=img)) for img in images]
            for name, fn in candidates.items()
        }, settings.repeats, no_sync)
    speeds = {name: len(images) / s for name, s in seconds.items()}
    tv = speeds['torchvision composition (mmselfsup PixMIM)']
    rrc = speeds['RandomResizedCrop (MAE: pillow, bicubic) + flip']
    rows = [[name, f'{s:.0f}', f'{s / tv:.2f}x', f'{s / rrc:.2f}x']
            for name, s in speeds.items()]
    print_table(
        'Crop + flip, 375x500 -> 224, one thread (images/s, median)',
        ['transform', 'img/s', 'vs torchvision', 'vs RandomResizedCrop'], rows)
    torch.set_num_threads(settings.threads)


def bench_pipeline(settings: Settings) -> None:
    """MAE's and PixMIM's whole data pipelines (their configs') on JPEG
    files, one worker."""
    from mmengine.config import Config
    from torch.utils.data import DataLoader
    torch.set_num_threads(1)
    cv2.setNumThreads(1)
    rows = {}
    with tempfile.TemporaryDirectory() as root:
        paths = []
        for i, img in enumerate(jpeg_like_images(settings.pipeline_images)):
            paths.append(osp.join(root, f'{i}.JPEG'))
            Image.fromarray(img).save(paths[-1], quality=90)
        for name, config in (('MAE', 'mae_vit-b.py'), ('PixMIM',
                                                       'pixmim_mae_vit-b.py')):
            cfg = Config.fromfile(osp.join(CONFIGS, config))
            pipeline = Compose(cfg.train_dataloader.dataset.pipeline)
            loader = DataLoader([dict(img_path=p) for p in paths],
                                batch_size=32,
                                collate_fn=default_collate,
                                num_workers=0)
            loader.collate_fn = lambda batch: default_collate(
                [pipeline(dict(item)) for item in batch])
            rows[name] = len(paths) / median_time(lambda: list(loader),
                                                  settings.repeats)
    print_table(
        'Data pipeline: LoadImageFromFile + crop + flip + PackInputs, '
        'one worker (images/s, median)', ['pipeline', 'img/s', 'vs MAE'],
        [[k, f'{v:.0f}', f"{v / rows['MAE']:.2f}x"] for k, v in rows.items()])
    torch.set_num_threads(settings.threads)


def training_step(model: torch.nn.Module,
                  x: torch.Tensor,
                  device: str,
                  amp_dtype: str = 'float16') -> Callable[[], None]:
    """One AdamW step of ``model.loss(x)``, under AMP on CUDA."""
    from mmengine.optim import build_optim_wrapper
    amp = dict(type='AmpOptimWrapper', dtype=amp_dtype)
    wrapper = build_optim_wrapper(
        model,
        dict(
            **(amp if device == 'cuda' else dict(type='OptimWrapper')),
            optimizer=dict(type='AdamW', lr=1e-4)))

    def step():
        with wrapper.optim_context(model):
            loss = model.loss(x, [])['loss']
        wrapper.update_params(loss)

    return step


def bench_train_step(settings: Settings) -> None:
    """MAE's ViT-B/16 training step against PixMIM's, in turns."""
    device, batch, sync = (settings.device, settings.train_batch,
                           settings.sync)
    base = dict(
        backbone=dict(type='MAEViT', arch='b', patch_size=16),
        neck=dict(type='MAEPretrainDecoder', embed_dim=768),
        head=dict(
            type='MAEPretrainHead',
            norm_pix=True,
            patch_size=16,
            loss=dict(type='PixelReconstructionLoss', criterion='L2')))
    generator = dict(type='LowFreqTargetGenerator', radius=40)
    x = torch.randn(batch, 3, 224, 224, device=device)
    steps = {}
    for name, cfg in (('MAE', dict(type='MAE', **base)),
                      ('PixMIM',
                       dict(type='PixMIM', target_generator=generator,
                            **base))):
        torch.manual_seed(0)
        steps[name] = training_step(MODELS.build(cfg).to(device), x, device)
    med = interleaved_medians(steps, settings.train_repeats, sync)
    overhead = (med['PixMIM'] / med['MAE'] - 1) * 100
    print_table(
        f'Training step, ViT-B/16, batch {batch}, {device}'
        f"{' (AMP)' if device == 'cuda' else ''} (s per step, median of "
        f'{settings.train_repeats})', ['model', 's/step', 'overhead'],
        [['MAE', f"{med['MAE']:.3f}", ''],
         ['PixMIM', f"{med['PixMIM']:.3f}", f'{overhead:+.1f}%']])


# (base, baseline config, PixMIM config) under configs/: the configs' own
# models
BASES = [
    ('MFF', 'mff_vit-b.py', 'pixmim_mff_vit-b.py'),
    ('ConvMAE', 'convmae_convvit-b.py', 'pixmim_convmae_convvit-b.py'),
    ('LSMAE', 'lsmae_vit-b.py', 'pixmim_lsmae_vit-b.py'),
]


def bench_bases(settings: Settings) -> None:
    """Each base's training step against its PixMIM variant, built from the
    two configs and timed in turns, plus the target generator alone (a
    steadier measure of what PixMIM adds than the difference of two whole
    steps)."""
    from mmengine.config import Config
    device, batch, sync = (settings.device, settings.train_batch,
                           settings.sync)
    rows = []
    for base, baseline, pixmim in BASES:
        cfgs = [
            Config.fromfile(osp.join(CONFIGS, name))
            for name in (baseline, pixmim)
        ]
        size = cfgs[1].train_dataloader.dataset.pipeline[1].scale
        x = torch.randn(batch, 3, size, size, device=device)
        steps = {}
        for name, cfg in zip(('baseline', 'pixmim'), cfgs):
            torch.manual_seed(0)
            model = MODELS.build(cfg.model).to(device)
            steps[name] = training_step(model, x, device)
        med = interleaved_medians(steps, settings.train_repeats, sync)
        generator = model.target_generator
        t_target = median_time(lambda: generator(x),
                               3 * settings.train_repeats, sync)
        rows.append([
            base, f'{cfgs[0].model.type} / {cfgs[1].model.type}', f'{size}',
            f"{med['baseline']:.3f}", f"{med['pixmim']:.3f}",
            f"{(med['pixmim'] / med['baseline'] - 1) * 100:+.1f}%",
            f'{t_target * 1e3:.1f}', f"{t_target / med['baseline'] * 100:.2f}%"
        ])
        del steps, model
    print_table(
        f'PixMIM on each base: training step, batch {batch}, {device}'
        f"{' (AMP)' if device == 'cuda' else ''} (s per step, median of "
        f'{settings.train_repeats}, in turns)', [
            'base', 'algorithms', 'px', 'baseline', 'PixMIM', 'overhead',
            'target alone (ms)', 'target / baseline step'
        ], rows)


class NoCorruption(torch.nn.Module):
    """MFM's corruption replaced by the identity (benchmark baseline)."""

    def forward(self, inputs, mean, std):
        return inputs, None, None


def bench_mfm(settings: Settings) -> None:
    """MFM's step against the same step with the corruption replaced by the
    identity and the frequency loss by a pixel L2, interleaved in one run;
    on CUDA under AMP, once per autocast dtype."""
    from mmengine.config import Config
    device, batch, sync = (settings.device, settings.train_batch,
                           settings.sync)
    x = torch.randn(batch, 3, 224, 224, device=device)
    rows = []
    for arch in ('vit-base-p16', 'resnet50'):
        cfg = Config.fromfile(
            osp.join(CONFIGS, 'mfm',
                     f'mfm_{arch}_16xb128-amp-coslr-300e_in1k.py'))
        cfg.model.data_preprocessor = cfg.data_preprocessor
        for dtype in settings.amp_dtypes if device == 'cuda' else ['float32']:
            steps = {}
            for name in ('MFM', 'identity + L2'):
                torch.manual_seed(0)
                model = MODELS.build(cfg.model).to(device)
                if name != 'MFM':
                    model.corruption = NoCorruption()
                    model.head = MODELS.build(
                        dict(
                            type='MIMHead',
                            loss=dict(
                                type='PixelReconstructionLoss',
                                criterion='L2'))).to(device)
                steps[name] = training_step(model, x, device, dtype)
            med = interleaved_medians(steps, settings.train_repeats, sync)
            base = med['identity + L2']
            rows.append([
                arch, dtype, f'{base:.3f}', f"{med['MFM']:.3f}",
                f"{(med['MFM'] / base - 1) * 100:+.1f}%"
            ])
            del steps, model
    print_table(
        f'MFM training step, batch {batch}, {device} (s per step, median of '
        f'{settings.train_repeats}): frequency corruption + loss against '
        'identity + pixel L2',
        ['encoder', 'precision', 'identity + L2', 'MFM', 'overhead'], rows)
    bench_mfm_pieces(settings, cfg, x)


def bench_mfm_pieces(settings: Settings, cfg, x: torch.Tensor) -> None:
    """The pieces the MFM step adds, alone: corruption + frequency loss
    (forward and backward, from a prediction in the autocast dtype) against
    a pixel L2 loss; steadier than the difference of two whole steps."""
    device, batch, sync = (settings.device, settings.train_batch,
                           settings.sync)
    pre = cfg.data_preprocessor
    mean = torch.tensor(pre.mean, device=device).view(-1, 1, 1)
    std = torch.tensor(pre.std, device=device).view(-1, 1, 1)
    corruption = MODELS.build(cfg.model.corruption)
    frequency_loss = MODELS.build(dict(type='FrequencyLoss'))
    l2 = MODELS.build(dict(type='PixelReconstructionLoss', criterion='L2'))
    pred = torch.randn_like(x, requires_grad=True)
    rows = []
    for dtype in settings.amp_dtypes if device == 'cuda' else ['float32']:
        cast = getattr(torch, dtype)

        def mfm():
            with torch.autocast(device, cast, enabled=device == 'cuda'):
                out = corruption(x, mean, std)
                target = x if out.spectrum is None else out.spectrum
                frequency_loss(pred.to(cast), target, out.loss_mask).backward()

        def pixel():
            with torch.autocast(device, cast, enabled=device == 'cuda'):
                l2(pred.to(cast), x).backward()

        med = interleaved_medians(
            dict(mfm=mfm, l2=pixel), 3 * settings.train_repeats, sync)
        n, c, h, w = x.shape
        passes = count_passes(mfm, [(n, c, h, w), (n, c, h, w // 2 + 1)])
        rows.append([dtype] + [
            f'{t * 1e3:.2f}'
            for t in (med['mfm'], med['l2'], med['mfm'] - med['l2'])
        ] + [f"{med['mfm'] / med['l2']:.1f}x",
             str(passes)])
    print_table(
        f'MFM pieces alone, batch {batch}, {device} (ms, median of '
        f'{3 * settings.train_repeats})', [
            'precision', 'corruption + frequency loss', 'pixel L2',
            'difference', 'ratio', 'batch-sized ops'
        ], rows)


def bench_mfm_pieces_only(settings: Settings) -> None:
    """:func:`bench_mfm_pieces` without the whole steps before it."""
    from mmengine.config import Config
    cfg = Config.fromfile(
        osp.join(CONFIGS, 'mfm',
                 'mfm_vit-base-p16_16xb128-amp-coslr-300e_in1k.py'))
    x = torch.randn(settings.train_batch, 3, 224, 224, device=settings.device)
    bench_mfm_pieces(settings, cfg, x)


# dense bf16 / fp16 tensor-core peaks (TFLOP/s), by device name
PEAK_TFLOPS = {'H200': 989.0, 'H100': 989.0, 'A100': 312.0, 'V100': 125.0}


def bench_speed(settings: Settings) -> None:
    """The config's training step in each variant torch offers, its
    TFLOP/s and share of the device's peak, and its loader's images per
    second per CPU core (see :mod:`pixmim_plugin.speed`)."""
    from mmengine.config import Config

    from pixmim_plugin.benchmark import speed
    device, batch = settings.device, settings.train_batch
    cfg = Config.fromfile(settings.config)
    bf16 = device == 'cuda' and torch.cuda.is_bf16_supported(
        including_emulation=False)
    peak = settings.peak_tflops
    if peak is None and device == 'cuda':
        name = torch.cuda.get_device_name()
        peak = next((v for k, v in PEAK_TFLOPS.items() if k in name), None)
    with tempfile.TemporaryDirectory() as tmp:
        files = speed.write_jpegs(tmp, settings.loader_images)
        per_core = speed.loader_throughput(cfg, files)
        torch.manual_seed(0)
        model = speed.build_model(cfg, device)
        data = speed.synthetic_batch(cfg, model, files, batch)
    shipped = speed.shipped_variant(cfg, device, bf16)
    flops = speed.count_flops(model, data, shipped.dtype)
    del model
    rows, rates = [], {}
    for variant in speed.variants(device, bf16):
        torch.manual_seed(0)
        model = speed.build_model(cfg, device)
        step = speed.training_step(cfg, variant, data, model)
        t = speed.time_step(step, settings.train_repeats, sync=settings.sync)
        tflops = flops / t['median'] / 1e12
        rates[variant] = batch / t['median']
        print(
            f"{variant.name}: {t['median'] * 1e3:.1f} ms/step, "
            f"first step {t['first']:.1f} s",
            flush=True)
        rows.append([
            variant.name + (' (as shipped)' if variant == shipped else ''),
            f"{t['median'] * 1e3:.1f}", f'{rates[variant]:.0f}',
            f'{tflops:.3g}', f'{tflops / peak * 100:.1f}%' if peak else '-',
            f"{t['first']:.1f}"
        ])
        del model, step
        if device == 'cuda':
            torch.cuda.empty_cache()
    print_table(
        f'Training step of {osp.relpath(settings.config)}, batch {batch}, '
        f'{device}: model.loss + update_params, {flops / 1e9:.4g} GFLOP '
        f'per step (FlopCounterMode), median of {settings.train_repeats} '
        f"after 3 warm-up steps{f', peak {peak:g} TFLOP/s' if peak else ''}", [
            'variant', 'ms / step', 'images / s', 'TFLOP/s', 'of peak',
            'first step (s)'
        ], rows)
    need = rates.get(shipped, max(rates.values())) / per_core
    print_table(
        f'Training pipeline of the config on {len(files)} JPEG files of '
        '500 x 375, one process, one thread',
        ['images / s per core', 'cores to feed the step as shipped'],
        [[f'{per_core:.0f}', f'{need:.1f}']])


# the sections, in the order a full run prints them
SECTIONS: Dict[str, Callable[[Settings], None]] = {
    'target': bench_target,
    'memory': bench_memory,
    'crop': bench_crop,
    'pipeline': bench_pipeline,
    'train_step': bench_train_step,
    'mfm': bench_mfm,
    'mfm_pieces': bench_mfm_pieces_only,
    'bases': bench_bases,
    'speed': bench_speed,
}


def parse_args(argv: Optional[List[str]] = None) -> Settings:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--quick', action='store_true')
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument(
        '--only', nargs='+', choices=list(SECTIONS), default=list(SECTIONS))
    parser.add_argument(
        '--batch',
        type=int,
        help='batch of the training-step sections (default: 4 with --quick '
        'or 8 on CPU, 256 on CUDA)')
    parser.add_argument(
        '--amp-dtypes',
        nargs='+',
        choices=['float16', 'bfloat16'],
        default=['float16', 'bfloat16'],
        help='autocast dtypes of the MFM section on CUDA')
    parser.add_argument(
        '--config',
        default=Settings.config,
        help='the config of the speed section (default: '
        'configs/pixmim_mae_vit-b.py)')
    parser.add_argument(
        '--peak-tflops',
        type=float,
        help="the device's dense peak in TFLOP/s, for the speed section's "
        'share of peak (default: known for H200, H100, A100, V100)')
    args = parser.parse_args(argv)
    if 'speed' in args.only:
        check_config(args.config, '--config')
    return Settings.from_args(args)


@tool_main
def main(argv: Optional[List[str]] = None) -> None:
    from mmengine.logging import MMLogger
    settings = parse_args(argv)
    torch.set_num_threads(settings.threads)
    init_default_scope('mmpretrain')
    # the builders' per-parameter INFO lines would bury the tables
    MMLogger.get_instance('benchmark', log_level='WARNING')
    gpu = (
        torch.cuda.get_device_name()
        if torch.cuda.is_available() else 'no GPU')
    print(f'torch {torch.__version__}, {platform.processor() or "cpu"}, '
          f'{settings.threads} threads, {gpu}'
          f"{', quick' if settings.quick else ''}")
    for name in settings.sections:
        SECTIONS[name](settings)


if __name__ == '__main__':
    main()
