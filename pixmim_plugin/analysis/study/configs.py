"""The configs of ``make study``'s runs: MAE, its two PixMIM changes alone
and together, and MFM, pre-trained with one budget, one data order and one
seed set on the demo shapes set.

Every run is a demo config of ``configs/demo/`` (the real training path:
mmengine's Runner built from the config) with the same study-scale changes
(:func:`study_config`): a smaller encoder on smaller images, so that a few
hundred CPU iterations learn features a linear probe can use. What differs
between the methods is only what differs between their demo configs.
"""
import os.path as osp
from typing import Optional

from mmengine.config import Config

from pixmim_plugin.analysis.study.record import Run

DEMO_CONFIGS = dict(
    mae='mae_vit-tiny-p8_1xb32-600it_shapes.py',
    pixmim='pixmim_vit-tiny-p8_1xb32-600it_shapes.py',
    mfm='mfm_vit-tiny-p16_1xb32-600it_shapes.py')
# method -> (config whose model it trains, config whose crop it uses)
METHODS = {
    'MAE': ('mae', 'mae'),
    'MAE+SRC': ('mae', 'pixmim'),
    'MAE+LF': ('pixmim', 'mae'),
    'PixMIM': ('pixmim', 'pixmim'),
    'MFM': ('mfm', 'mfm'),
}
# the probe's floor: this method's model at its initialisation, untrained
FLOOR_METHOD = 'MAE'


def study_scale(img_size: int = 32,
                patch_size: int = 4,
                embed_dims: int = 128,
                depth: int = 4) -> dict:
    """The model size every method of the study shares.

    Returns:
        dict: ``img_size``, ``patch_size``, the encoder ``arch`` (a ViT of
        ``depth`` blocks, ``embed_dims`` wide, 4x MLP, 64-dim heads) and the
        MAE decoder's size.
    """
    arch = dict(
        embed_dims=embed_dims,
        num_layers=depth,
        num_heads=max(1, embed_dims // 64),
        feedforward_channels=4 * embed_dims)
    return dict(
        img_size=img_size,
        patch_size=patch_size,
        arch=arch,
        decoder=dict(
            decoder_embed_dim=64, decoder_depth=2, decoder_num_heads=2))


def _rescale_crop(step: dict, img_size: int) -> dict:
    """A demo crop step at the study's image size; SRC's reflect padding
    keeps its share of the image (4 px at 224 px, at least 1 px)."""
    step = dict(step, scale=img_size)
    if step['type'] == 'SimpleResizedCrop':
        step['padding'] = max(1, round(4 * img_size / 224))
    return step


def study_config(method: str,
                 seed: int,
                 work_dir: str,
                 iters: int = 400,
                 batch_size: int = 64,
                 lr: float = 1e-3,
                 scale: Optional[dict] = None,
                 config_dir: str = 'configs/demo',
                 data_root: Optional[str] = None) -> Config:
    """The pre-training config of one study run.

    Args:
        method (str): A key of :data:`METHODS`.
        seed (int): Seed of the run (weights, data order, masks, crops).
        work_dir (str): The run's work_dir.
        iters (int): Training iterations (10% linear warm-up, then cosine).
            Defaults to 400.
        batch_size (int): Defaults to 64.
        lr (float): AdamW's peak learning rate. Defaults to 1e-3.
        scale (dict, optional): :func:`study_scale`'s output.
        config_dir (str): Where the demo configs are.
        data_root (str, optional): Replaces the demo set's root.

    Returns:
        Config: A config mmengine's Runner takes.
    """
    if method not in METHODS:
        raise ValueError(f'method must be one of {tuple(METHODS)}, '
                         f'got {method!r}')
    if iters < 1 or batch_size < 1:
        raise ValueError(f'iters and batch_size must be >= 1, got {iters} '
                         f'and {batch_size}')
    scale = scale or study_scale()
    size, patch = scale['img_size'], scale['patch_size']
    model_key, crop_key = METHODS[method]
    cfg = Config.fromfile(osp.join(config_dir, DEMO_CONFIGS[model_key]))
    crop_cfg = Config.fromfile(osp.join(config_dir, DEMO_CONFIGS[crop_key]))
    pipeline = [
        _rescale_crop(step, size) if 'Crop' in step['type'] else step
        for step in crop_cfg.train_pipeline
    ]
    model = cfg.model
    model.backbone.update(arch=scale['arch'], img_size=size, patch_size=patch)
    embed = scale['arch']['embed_dims']
    if model_key == 'mfm':
        model.neck.update(in_channels=embed, encoder_stride=patch)
    else:
        model.neck.update(
            num_patches=(size // patch)**2,
            patch_size=patch,
            embed_dim=embed,
            **scale['decoder'])
        model.head.patch_size = patch
    if model.get('target_generator'):
        model.target_generator.img_size = size
    dataset = cfg.train_dataloader.dataset
    dataset.pipeline = pipeline
    cfg.train_pipeline = pipeline  # the configs' own copy, kept the same
    if data_root is not None:
        dataset.data_root = data_root
    # an endless sampler: mmengine's iteration loop sleeps 2 s at every
    # epoch end, a fifth of a study run on the small demo set
    cfg.train_dataloader.update(
        sampler=dict(type='InfiniteSampler', shuffle=True),
        batch_size=batch_size,
        num_workers=0,
        persistent_workers=False)
    warmup = max(1, iters // 10)
    cfg.optim_wrapper.optimizer.lr = lr
    cfg.param_scheduler = [
        dict(
            type='LinearLR',
            start_factor=1e-3,
            by_epoch=False,
            begin=0,
            end=warmup),
        dict(
            type='CosineAnnealingLR',
            T_max=max(1, iters - warmup),
            by_epoch=False,
            begin=warmup,
            end=iters)
    ]
    cfg.train_cfg.max_iters = iters
    cfg.default_hooks.logger.interval = max(1, iters // 5)
    cfg.default_hooks.checkpoint.update(interval=iters, max_keep_ckpts=1)
    cfg.auto_scale_lr = dict(enable=False, base_batch_size=batch_size)
    cfg.randomness = dict(seed=seed, diff_rank_seed=False)
    cfg.work_dir = work_dir
    cfg.experiment_name = Run(method, seed).name
    cfg.resume = False
    return cfg
