# What the demo linear probe and fine-tuning share (see shapes.py for the
# `demo_` names): the demo classification recipe's light augmentation and
# its evaluation view, sized for 64 px images of one object each.
_base_ = './shapes.py'

# the object stays whole: shorter edge to 64, reflect-pad 4, random 64
# crop, flip (SimpleResizedCrop, PixMIM's crop); RandomResizedCrop's
# small crops often cut off the outline that the label depends on
demo_train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(
        type='SimpleResizedCrop',
        scale=64,
        padding=4,
        interpolation='bicubic',
        backend='pillow'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
demo_test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(
        type='ResizeEdge',
        scale=64,
        edge='short',
        backend='pillow',
        interpolation='bicubic'),
    dict(type='CenterCrop', crop_size=64),
    dict(type='PackInputs'),
]
demo_batch_size = 32
demo_train_dataloader = dict(
    batch_size=demo_batch_size,
    num_workers=2,
    dataset=dict(pipeline=demo_train_pipeline, **_base_.demo_imagenet))
demo_val_dataloader = dict(
    batch_size=demo_batch_size,
    num_workers=2,
    dataset=dict(pipeline=demo_test_pipeline, **_base_.demo_imagenet))
demo_default_hooks = dict(logger=dict(type='LoggerHook', interval=20))
demo_log_processor = dict(by_epoch=False)
demo_env_cfg = dict(dist_cfg=dict(backend='gloo'))
# one seed for the run from the demo checkpoint and the one from a
# random-init encoder: the same head init, data order and crops
demo_randomness = dict(seed=0, diff_rank_seed=False)
