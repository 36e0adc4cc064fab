# Fine-tuning on the embedded shapes set (`python tools/make_demo_data.py`)
# for the demo PixMIM / MAE ViT-tiny (patch 8, 64 px): the ImageNet config of
# configs/benchmarks/ (AdamW, layer decay, RandAugment, mixup, cutmix, label
# smoothing, drop path) scaled down to a few CPU iterations on 8 classes.
# Takes the raw demo checkpoint or one converted --to mmpretrain:
#   mim train mmpretrain configs/demo/vit-tiny-p8_ft_shapes.py \
#       --cfg-options model.backbone.init_cfg.checkpoint=work_dirs/demo_pixmim/vit-tiny_mmpretrain.pth
_base_ = '../benchmarks/vit-base-p16_ft-8xb128-coslr-100e_in1k.py'

data_root = 'data/demo/shapes/'
num_classes = 8
max_iters = 100
batch_size = 32

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
dataset = dict(type='CustomDataset', data_root=data_root, with_label=True)
train_dataloader = dict(
    batch_size=batch_size,
    num_workers=2,
    dataset=dict(
        _delete_=True,
        ann_file='meta/train.txt',
        data_prefix='train',
        pipeline=train_pipeline,
        **dataset))
val_dataloader = dict(
    batch_size=batch_size,
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

# AMP needs a GPU; lr 1e-3 per 256 images at batch 32
optim_wrapper = dict(
    type='OptimWrapper', optimizer=dict(lr=1e-3 * batch_size / 256))
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
