# Linear probing on the embedded shapes set (`python tools/make_demo_data.py`)
# for the demo PixMIM / MAE ViT-tiny (patch 8, 64 px): the ImageNet config of
# configs/pixmim/benchmarks/ (frozen encoder, class token, BatchNorm without
# affine, LARS, warmup + cosine) scaled down to a few CPU iterations on 8
# classes. Takes the raw demo checkpoint or one converted --to mmpretrain:
#   mim train mmpretrain configs/demo/vit-tiny-p8_1xb32-linear-100it_shapes.py \
#       --cfg-options model.backbone.init_cfg.checkpoint=work_dirs/demo_pixmim/vit-tiny_mmpretrain.pth
_base_ = [
    '../pixmim/benchmarks/vit-base-p16_8xb2048-linear-coslr-90e_in1k.py',
    './_base_/classification_100it.py',
]

batch_size = 32
num_classes = len(_base_.demo_classes)

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
train_dataloader = dict(
    batch_size=batch_size,
    num_workers=2,
    dataset=dict(pipeline=train_pipeline, **_base_.demo_imagenet))
val_dataloader = dict(
    batch_size=batch_size,
    num_workers=2,
    dataset=dict(pipeline=test_pipeline, **_base_.demo_imagenet))
test_dataloader = val_dataloader

# AMP needs a GPU; lr 0.1 per 256 images
optim_wrapper = dict(
    type='OptimWrapper', optimizer=dict(lr=0.1 * batch_size / 256))
auto_scale_lr = dict(base_batch_size=batch_size)
param_scheduler = _base_.demo_param_scheduler
train_cfg = _base_.demo_train_cfg
default_hooks = _base_.demo_default_hooks
log_processor = _base_.demo_log_processor
env_cfg = _base_.demo_env_cfg
