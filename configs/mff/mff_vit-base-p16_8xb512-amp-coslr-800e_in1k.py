# MFF ViT-B/16, 800 epochs: the baseline of
# pixmim-mff_vit-base-p16_8xb512-amp-coslr-800e_in1k.py, which differs from
# this file only in what PixMIM changes.
_base_ = [
    'mmpretrain::mff/mff_vit-base-p16_8xb512-amp-coslr-800e_in1k.py',
    '../_base_/pixmim_plugin.py',
]

# mmpretrain's MFF config replaces MAE's RandomResizedCrop with ToPIL,
# Resize 224, RandomCrop 224 (padding 4, reflect) and a flip: Simple Resized
# Crop, PixMIM's crop, so that config is MFF + SRC. The baseline restores
# MAE's RandomResizedCrop(224, scale 0.2-1.0, bicubic), as MFF was published
# and as PixMIM's Table 2 compares against.
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(
        type='RandomResizedCrop',
        scale=224,
        crop_ratio_range=(0.2, 1.0),
        backend='pillow',
        interpolation='bicubic'),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackInputs'),
]
# Inheriting across packages tags every inherited dict with `_scope_`, which
# the runner would pass on to `default_collate` as a keyword.
train_dataloader = dict(
    dataset=dict(pipeline=train_pipeline),
    collate_fn=dict(_delete_=True, type='default_collate'))

# Speed, as in every config of this project: fused AdamW, and autocast in
# bfloat16 where the GPU has it, else float16 with dynamic loss scaling
# (AutoAmpOptimWrapper decides at start-up and logs its choice).
optim_wrapper = dict(type='AutoAmpOptimWrapper', optimizer=dict(fused=True))
