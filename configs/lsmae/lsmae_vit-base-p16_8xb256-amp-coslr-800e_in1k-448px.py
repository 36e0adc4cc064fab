# Long-sequence MAE (LSMAE, Hu et al. 2022, arXiv:2210.07224), ViT-B/16 at
# 448 px, 800 epochs: the baseline of
# pixmim-lsmae_vit-base-p16_8xb256-amp-coslr-800e_in1k-448px.py, which differs
# from this file only in what PixMIM changes. MAE's ViT-B recipe with
# - 448 px input: 28 x 28 = 784 tokens of 16 px;
# - masks drawn on units of 2 x 2 patches (a 14 x 14 grid of 32 px units, 75%
#   of them removed; the official `--mask_downsampling 2`);
# - decoder 384-d, 8 blocks, 12 heads (official `dec384d12h8b`: dim, heads,
#   blocks);
# - total batch 2048 (8 GPUs x 256), as the paper ran LSMAE and PixMIM-LSMAE
#   (PixMIM paper Table 8 and appendix B.1; the official LSMAE release uses
#   4096); lr 1.5e-4 per 256 images, 40 warm-up epochs, cosine, as MAE.
_base_ = [
    'mmpretrain::mae/mae_vit-base-p16_8xb512-amp-coslr-800e_in1k.py',
    '../_base_/pixmim_plugin.py',
]

img_size = 448
patch_size = 16
mask_unit = 2
batch_size = 256

model = dict(
    backbone=dict(
        type='LSMAEViT',
        img_size=img_size,
        patch_size=patch_size,
        mask_unit=mask_unit),
    neck=dict(
        num_patches=(img_size // patch_size)**2,  # 28 * 28 = 784
        decoder_embed_dim=384,
        decoder_depth=8,
        decoder_num_heads=12))

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
# Inheriting across packages tags every inherited dict with `_scope_`, which
# the runner would pass on to `default_collate` as a keyword.
train_dataloader = dict(
    batch_size=batch_size,
    collate_fn=dict(_delete_=True, type='default_collate'),
    dataset=dict(pipeline=train_pipeline))

# fused AdamW; bfloat16 autocast where the GPU has it (see the MAE configs)
optim_wrapper = dict(
    type='AutoAmpOptimWrapper',
    optimizer=dict(lr=1.5e-4 * 2048 / 256, fused=True))
auto_scale_lr = dict(base_batch_size=2048)  # 8 GPUs x 256
