# What `make demo` trains: PixMIM (pixmim_vit-tiny-p8_1xb32-600it_shapes.py)
# with the demo encoder, ViT-mini (4 blocks, 128 wide, patch 4, 32 px; see
# _base_/shapes.py): 1200 iterations of 64 images (48 epochs), AdamW lr
# 1e-3, 120 of warm-up and a cosine decay, about 3 minutes on 2 CPU cores.
# The target's radius scales with the input (r = 40 * 32 / 224 = 5.7
# bins), and so does SRC's reflect padding (4 px at 224 px, at least 1).
# `make demo-transfer` compares this encoder with a random-init one on every
# transfer protocol.
_base_ = './pixmim_vit-tiny-p8_1xb32-600it_shapes.py'

img_size = _base_.demo_img_size
patch_size = _base_.demo_patch_size
batch_size = 64
max_iters = 1200
warmup_iters = 120

model = dict(
    backbone=dict(
        arch=dict(_base_.demo_arch, _delete_=True),  # replaces 'deit-tiny'
        img_size=img_size,
        patch_size=patch_size),
    neck=dict(
        num_patches=(img_size // patch_size)**2,
        patch_size=patch_size,
        embed_dim=_base_.demo_arch['embed_dims'],
        decoder_embed_dim=64,
        decoder_depth=2,
        decoder_num_heads=2),
    head=dict(patch_size=patch_size),
    target_generator=dict(img_size=img_size))

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(
        type='SimpleResizedCrop',
        scale=img_size,
        padding=1,
        interpolation='bilinear',
        backend='torch'),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackInputs'),
]
# an endless sampler: mmengine's iteration loop pauses 2 s at every epoch
# end, which would add 1.5 minutes to 48 epochs
train_dataloader = dict(
    batch_size=batch_size,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(pipeline=train_pipeline))

optim_wrapper = dict(optimizer=dict(lr=1e-3 * batch_size / 64))
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
train_cfg = dict(max_iters=max_iters)
default_hooks = dict(
    logger=dict(interval=20),
    checkpoint=dict(interval=max_iters, max_keep_ckpts=1))
randomness = _base_.demo_randomness
