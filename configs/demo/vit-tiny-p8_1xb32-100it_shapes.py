# Fine-tuning on the embedded shapes set (`python tools/make_demo_data.py`)
# for the demo PixMIM / MAE ViT-tiny (patch 8, 64 px): the ImageNet config of
# configs/pixmim/benchmarks/ (AdamW, layer decay, RandAugment, mixup, cutmix,
# label smoothing, drop path) scaled down to a few CPU iterations on 8
# classes. Takes the raw demo checkpoint or one converted --to mmpretrain:
#   mim train mmpretrain configs/demo/vit-tiny-p8_1xb32-100it_shapes.py \
#       --cfg-options model.backbone.init_cfg.checkpoint=work_dirs/demo_pixmim/vit-tiny_mmpretrain.pth
_base_ = [
    '../pixmim/benchmarks/vit-base-p16_8xb128-coslr-100e_in1k.py',
    './_base_/classification_100it.py',
]

batch_size = 32
num_classes = len(_base_.demo_classes)

model = dict(
    backbone=dict(arch='deit-tiny', img_size=64, patch_size=8),
    head=dict(num_classes=num_classes, in_channels=192))
data_preprocessor = dict(num_classes=num_classes)

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(
        type='RandomResizedCrop',
        scale=64,
        backend='pillow',
        interpolation='bicubic'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(
        type='RandAugment',
        policies='timm_increasing',
        num_policies=2,
        total_level=10,
        magnitude_level=9,
        magnitude_std=0.5,
        hparams=dict(pad_val=[104, 116, 124], interpolation='bicubic')),
    dict(
        type='RandomErasing',
        erase_prob=0.25,
        mode='rand',
        min_area_ratio=0.02,
        max_area_ratio=1 / 3,
        fill_color=[103.53, 116.28, 123.675],
        fill_std=[57.375, 57.12, 58.395]),
    dict(type='PackInputs')
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(
        type='ResizeEdge',
        scale=73,
        edge='short',
        backend='pillow',
        interpolation='bicubic'),
    dict(type='CenterCrop', crop_size=64),
    dict(type='PackInputs')
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

# AMP needs a GPU; lr 1e-3 per 256 images
optim_wrapper = dict(
    type='OptimWrapper', optimizer=dict(lr=1e-3 * batch_size / 256))
auto_scale_lr = dict(base_batch_size=batch_size)
param_scheduler = _base_.demo_param_scheduler
train_cfg = _base_.demo_train_cfg
default_hooks = _base_.demo_default_hooks
log_processor = _base_.demo_log_processor
env_cfg = _base_.demo_env_cfg
