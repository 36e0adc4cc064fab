# PixMIM on MAE, ViT-B/16, 800 epochs (paper Table 2, appendix B.1): MAE's
# recipe with a low-frequency target (r = 40) and Simple Resized Crop. This
# file is the whole PixMIM change; every other PixMIM config inherits it.
_base_ = './mae_vit-base-p16_8xb512-amp-coslr-800e_in1k.py'

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(
        type='SimpleResizedCrop',
        scale=224,
        padding=4,
        interpolation='bilinear',
        backend='torch'),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))

model = dict(
    type='PixMIM',
    target_generator=dict(
        type='LowFreqTargetGenerator', radius=40, img_size=224))
