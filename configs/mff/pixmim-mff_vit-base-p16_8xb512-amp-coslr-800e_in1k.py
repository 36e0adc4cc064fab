# PixMIM on MFF, ViT-B/16, 800 epochs (paper Table 2): MFF's recipe and
# multi-level fusion (out_indices 0, 2, 4, 6, 8, 11) with a low-frequency
# target (r = 40) and Simple Resized Crop.
_base_ = './mff_vit-base-p16_8xb512-amp-coslr-800e_in1k.py'

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
    type='PixMIMMFF',
    target_generator=dict(
        type='LowFreqTargetGenerator', radius=40, img_size=224))
