# What the demo linear probe and fine-tuning share (see shapes.py for the
# `demo_` names): the object crops of the shapes set at the demo encoder's
# 32 px, a light augmentation and the evaluation view.
_base_ = './shapes.py'

# the object stays whole: shorter edge to 32, reflect-pad 2, random 32
# crop, flip (SimpleResizedCrop, PixMIM's crop); RandomResizedCrop's
# small crops often cut off the outline that the label depends on
demo_train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(
        type='SimpleResizedCrop',
        scale=_base_.demo_img_size,
        padding=2,
        interpolation='bicubic',
        backend='pillow'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
demo_test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(
        type='ResizeEdge',
        scale=_base_.demo_img_size,
        edge='short',
        backend='pillow',
        interpolation='bicubic'),
    dict(type='CenterCrop', crop_size=_base_.demo_img_size),
    dict(type='PackInputs'),
]
demo_batch_size = 32
demo_train_dataloader = dict(
    batch_size=demo_batch_size,
    num_workers=2,
    # endless: mmengine's iteration loop pauses 2 s at every epoch end
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(pipeline=demo_train_pipeline, **_base_.demo_objects))
demo_val_dataloader = dict(
    batch_size=demo_batch_size,
    num_workers=2,
    dataset=dict(pipeline=demo_test_pipeline, **_base_.demo_objects))
demo_default_hooks = dict(logger=dict(type='LoggerHook', interval=100))
demo_log_processor = dict(by_epoch=False)
demo_env_cfg = dict(dist_cfg=dict(backend='gloo'))
