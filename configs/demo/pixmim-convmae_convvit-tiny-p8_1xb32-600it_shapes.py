# PixMIM on the reduced ConvMAE of the shapes demo: the ConvMAE demo with a
# low-frequency target and Simple Resized Crop, the change configs/convmae/
# makes to ConvMAE-B. r = 40 is meant for 224 px, so it scales with the
# input (r = 40 * 64 / 224 = 11.4 bins).
_base_ = './convmae_convvit-tiny-p8_1xb32-600it_shapes.py'

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(
        type='SimpleResizedCrop',
        scale=64,
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
        type='LowFreqTargetGenerator', radius=40, ref_size=224, img_size=64))
