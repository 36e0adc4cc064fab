# PixMIM's background-focused crop ablation (BG, paper App. C, Table 5b) on
# the embedded shapes demo set: the PixMIM demo with SimpleResizedCrop
# replaced by BackgroundResizedCrop, RandomResizedCrop (0.2-1, as MAE's)
# retried until a crop holds < 20% of the object (at most 50 tries, then a
# plain one). The object masks are the demo set's meta/train_objects.json
# (`python tools/make_demo_data.py`), loaded by ImageNetWithObjects.
_base_ = './pixmim_vit-tiny-p8_1xb32-600it_shapes.py'

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadObjectMask'),
    dict(
        type='BackgroundResizedCrop',
        scale=64,
        max_object_ratio=0.2,
        max_tries=50,
        crop_ratio_range=(0.2, 1.0),
        backend='pillow',
        interpolation='bicubic'),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackInputs'),
]
train_dataloader = dict(
    dataset=dict(type='ImageNetWithObjects', pipeline=train_pipeline))
