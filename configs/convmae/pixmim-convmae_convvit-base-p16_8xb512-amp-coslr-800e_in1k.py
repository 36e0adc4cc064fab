# PixMIM on ConvMAE-B, 800 epochs (paper Table 2): the ConvMAE baseline with
# the low-frequency target (r = 40) and Simple Resized Crop, the change
# configs/pixmim/ makes to MAE.
_base_ = './convmae_convvit-base-p16_8xb512-amp-coslr-800e_in1k.py'

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
