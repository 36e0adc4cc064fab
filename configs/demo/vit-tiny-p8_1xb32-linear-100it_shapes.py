# Linear probing on the embedded shapes set (`python tools/make_demo_data.py`)
# for the demo PixMIM / MAE ViT-tiny (patch 8, 64 px): the ImageNet config of
# configs/benchmarks/ (frozen encoder, class token, BatchNorm without affine,
# LARS, warmup + cosine) scaled down to a few CPU iterations on 8 classes.
# Takes the raw demo checkpoint or one converted --to mmpretrain:
#   mim train mmpretrain configs/demo/vit-tiny-p8_linear_shapes.py \
#       --cfg-options model.backbone.init_cfg.checkpoint=work_dirs/demo_pixmim/vit-tiny_mmpretrain.pth
_base_ = '../benchmarks/vit-base-p16_linear-8xb2048-coslr-90e_in1k.py'

data_root = 'data/demo/shapes/'
num_classes = 8
max_iters = 100

model = dict(
    backbone=dict(arch='deit-tiny', img_size=64, patch_size=8),
    neck=dict(input_features=192),
    head=dict(num_classes=num_classes, in_channels=192))
data_preprocessor = dict(num_classes=num_classes)

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomResizedCrop', scale=64, backend='pillow'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeEdge', scale=73, edge='short', backend='pillow'),
    dict(type='CenterCrop', crop_size=64),
    dict(type='PackInputs'),
]
dataset = dict(type='CustomDataset', data_root=data_root, with_label=True)
train_dataloader = dict(
    batch_size=32,
    num_workers=2,
    dataset=dict(
        _delete_=True,
        ann_file='meta/train.txt',
        data_prefix='train',
        pipeline=train_pipeline,
        **dataset))
val_dataloader = dict(
    batch_size=32,
    num_workers=2,
    dataset=dict(
        _delete_=True,
        ann_file='meta/val.txt',
        data_prefix='val',
        pipeline=test_pipeline,
        **dataset))
test_dataloader = val_dataloader
val_evaluator = dict(type='Accuracy', topk=(1, ))
test_evaluator = val_evaluator

# AMP needs a GPU; lr 0.1 per 256 images at batch 32
optim_wrapper = dict(type='OptimWrapper', optimizer=dict(lr=0.1 * 32 / 256))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-4, by_epoch=False, begin=0,
         end=10),
    dict(type='CosineAnnealingLR', T_max=max_iters - 10, by_epoch=False,
         begin=10, end=max_iters)
]
train_cfg = dict(
    _delete_=True,
    type='IterBasedTrainLoop',
    max_iters=max_iters,
    val_interval=max_iters)
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=10),
    checkpoint=dict(
        type='CheckpointHook', by_epoch=False, interval=max_iters))
log_processor = dict(by_epoch=False)
env_cfg = dict(dist_cfg=dict(backend='gloo'))
auto_scale_lr = dict(_delete_=True)
