# MAE with a ViT-tiny (DeiT-T, patch 8, 64 px) on the embedded shapes demo
# set (`python tools/make_demo_data.py`): trains on a CPU in a few minutes.
# The baseline of pixmim_vit-tiny-p8_1xb32-600it_shapes.py. Iteration-based,
# so `--cfg-options train_cfg.max_iters=N` shortens it.
_base_ = [
    '../pixmim/mae_vit-base-p16_8xb512-amp-coslr-800e_in1k.py',
    './_base_/shapes.py',
]

img_size = 64
patch_size = 8
batch_size = 32
max_iters = 600
warmup_iters = 60

model = dict(
    backbone=dict(
        type='MAEViT',
        arch='deit-tiny',
        img_size=img_size,
        patch_size=patch_size),
    neck=dict(
        type='MAEPretrainDecoder',
        num_patches=(img_size // patch_size)**2,
        patch_size=patch_size,
        embed_dim=192,
        decoder_embed_dim=128,
        decoder_depth=2,
        decoder_num_heads=4),
    head=dict(patch_size=patch_size))

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(
        type='RandomResizedCrop',
        scale=img_size,
        crop_ratio_range=(0.2, 1.0),
        backend='pillow',
        interpolation='bicubic'),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackInputs'),
]
train_dataloader = dict(
    batch_size=batch_size,
    num_workers=2,
    dataset=dict(pipeline=train_pipeline, **_base_.demo_imagenet))

# AMP needs a GPU; the demo runs in float32 anywhere.
optim_wrapper = dict(
    _delete_=True,
    type='OptimWrapper',
    optimizer=dict(
        type='AdamW',
        lr=1e-3,
        betas=(0.9, 0.95),
        weight_decay=0.05,
        fused=True),
    paramwise_cfg={{_base_.optim_wrapper.paramwise_cfg}})
auto_scale_lr = dict(base_batch_size=batch_size)
param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=1e-3,
        by_epoch=False,
        begin=0,
        end=warmup_iters),
    dict(
        type='CosineAnnealingLR',
        T_max=max_iters - warmup_iters,
        by_epoch=False,
        begin=warmup_iters,
        end=max_iters)
]
train_cfg = dict(_delete_=True, type='IterBasedTrainLoop', max_iters=max_iters)
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=20),
    checkpoint=dict(
        type='CheckpointHook', by_epoch=False, interval=200, max_keep_ckpts=2))
log_processor = dict(by_epoch=False)
env_cfg = dict(dist_cfg=dict(backend='gloo'))
# For `--launcher pytorch` on CPUs: DDP takes no device ids for CPU modules
# (on GPUs, None means the module's own device).
model_wrapper_cfg = dict(
    type='MMDistributedDataParallel', device_ids=None, broadcast_buffers=False)
