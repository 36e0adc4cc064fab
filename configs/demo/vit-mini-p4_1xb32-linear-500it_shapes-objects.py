# Linear probing on the object crops of the embedded shapes set
# (`python tools/make_demo_data.py`) for the demo encoder of `make demo`
# (ViT-mini, patch 4, 32 px; _base_/shapes.py). The model is the ImageNet
# config's of configs/pixmim/benchmarks/ (frozen encoder, BatchNorm without
# affine before the linear classifier) with the mean of the patch tokens as
# the feature: after a few hundred pre-training iterations the class token
# carries less of what the probe reads. The recipe is sized for a CPU demo
# on 1600 images of 8 classes, the same for a pre-trained and a random-init
# encoder: plain AdamW (lr 1e-2 per 32 images, no weight decay) instead of
# LARS at batch 16384, 500 iterations (10 epochs) with 50 of warm-up and a
# cosine decay, the whole object kept in view (SimpleResizedCrop and flip).
# Takes the demo checkpoint converted --to mmpretrain (`make demo-convert`):
#   mim train mmpretrain configs/demo/vit-mini-p4_1xb32-linear-500it_shapes-objects.py \
#       --cfg-options model.backbone.init_cfg.checkpoint=work_dirs/demo_pixmim/vit-mini_mmpretrain.pth
# and from a random-init encoder: --cfg-options model.backbone.init_cfg=None
_base_ = [
    '../pixmim/benchmarks/vit-base-p16_8xb2048-linear-coslr-90e_in1k.py',
    './_base_/classification.py',
]

batch_size = _base_.demo_batch_size
max_iters = 500
warmup_iters = 50
num_classes = len(_base_.demo_classes)

model = dict(
    backbone=dict(
        arch=dict(_base_.demo_arch, _delete_=True),  # replaces 'base'
        img_size=_base_.demo_img_size,
        patch_size=_base_.demo_patch_size,
        frozen_stages=_base_.demo_arch['num_layers'],
        out_type='avg_featmap'),
    neck=dict(input_features=_base_.demo_arch['embed_dims']),
    head=dict(
        num_classes=num_classes, in_channels=_base_.demo_arch['embed_dims']))
data_preprocessor = dict(num_classes=num_classes)

train_pipeline = _base_.demo_train_pipeline
test_pipeline = _base_.demo_test_pipeline
train_dataloader = _base_.demo_train_dataloader
val_dataloader = _base_.demo_val_dataloader
test_dataloader = val_dataloader

optim_wrapper = dict(
    _delete_=True,  # plain AdamW instead of LARS, no AMP (a CPU demo)
    type='OptimWrapper',
    optimizer=dict(
        type='AdamW', lr=1e-2 * batch_size / 32, weight_decay=0.0, fused=True))
auto_scale_lr = dict(base_batch_size=batch_size)
param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=1e-3,
        by_epoch=False,
        begin=0,
        end=warmup_iters),
    dict(
        type='CosineAnnealingLR',
        T_max=max_iters - warmup_iters,
        by_epoch=False,
        begin=warmup_iters,
        end=max_iters)
]
train_cfg = dict(
    _delete_=True,  # replaces the benchmark's epoch loop
    type='IterBasedTrainLoop',
    max_iters=max_iters,
    val_interval=max_iters)
default_hooks = dict(
    _base_.demo_default_hooks,
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=max_iters))
log_processor = _base_.demo_log_processor
env_cfg = _base_.demo_env_cfg
randomness = _base_.demo_randomness
