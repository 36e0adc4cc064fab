# PixMIM on long-sequence MAE, on the embedded shapes demo set: the LSMAE demo
# with a low-frequency target and Simple Resized Crop. The radius keeps
# PixMIM's relative cut-off, r = 80 at 448 px (= 40 at 224):
# 80 * 64 / 448 = 11.4 bins at the demo's 64 px.
_base_ = './lsmae_vit-tiny-p4_1xb32-600it_shapes.py'

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
        type='LowFreqTargetGenerator', radius=80, ref_size=448, img_size=64))
