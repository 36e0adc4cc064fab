# Fine-tuning on the object crops of the embedded shapes set
# (`python tools/make_demo_data.py`) for the demo encoder of `make demo`
# (ViT-mini, patch 4, 32 px; _base_/shapes.py). The model is the ImageNet
# config's of configs/pixmim/benchmarks/ (mean of the patch tokens, linear
# head); the recipe is sized for a CPU demo on 1600 images of 8 classes, the
# same for a pre-trained and a random-init encoder: plain AdamW (lr 5e-4 per
# 32 images, weight decay 0.05 except norms, biases and embeddings, no layer
# decay), 900 iterations (18 epochs) with 90 of warm-up and a cosine decay,
# cross-entropy without label smoothing, drop path 0.1, the head at torch's
# default init (MAE's std 2e-5 starts the logits, and with them the
# encoder's gradient, near zero: ImageNet's 100 epochs can afford that
# slow start, 18 demo epochs cannot), the whole object kept in view (SimpleResizedCrop and flip; no RandAugment, mixup, cutmix or
# random erasing, which a 32 px, 8-class set does not bear at this length).
# Takes the demo checkpoint converted --to mmpretrain (`make demo-convert`):
#   mim train mmpretrain configs/demo/vit-mini-p4_1xb32-900it_shapes-objects.py \
#       --cfg-options model.backbone.init_cfg.checkpoint=work_dirs/demo_pixmim/vit-mini_mmpretrain.pth
# and from a random-init encoder: --cfg-options model.backbone.init_cfg=None
_base_ = [
    '../pixmim/benchmarks/vit-base-p16_8xb128-coslr-100e_in1k.py',
    './_base_/classification.py',
]

batch_size = _base_.demo_batch_size
max_iters = 900
warmup_iters = 90
num_classes = len(_base_.demo_classes)

model = dict(
    backbone=dict(
        arch=dict(_base_.demo_arch, _delete_=True),  # replaces 'base'
        img_size=_base_.demo_img_size,
        patch_size=_base_.demo_patch_size,
        drop_path_rate=0.1),
    head=dict(
        num_classes=num_classes,
        in_channels=_base_.demo_arch['embed_dims'],
        loss=dict(_delete_=True, type='CrossEntropyLoss', loss_weight=1.0),
        init_cfg=None),
    train_cfg=None)  # no mixup / cutmix
data_preprocessor = dict(num_classes=num_classes)

train_pipeline = _base_.demo_train_pipeline
test_pipeline = _base_.demo_test_pipeline
train_dataloader = _base_.demo_train_dataloader
val_dataloader = _base_.demo_val_dataloader
test_dataloader = val_dataloader

optim_wrapper = dict(
    _delete_=True,  # no layer decay, no AMP (a CPU demo)
    type='OptimWrapper',
    optimizer=dict(
        type='AdamW',
        lr=5e-4 * batch_size / 32,
        betas=(0.9, 0.999),
        weight_decay=0.05,
        fused=True),
    paramwise_cfg=dict(
        norm_decay_mult=0.0,
        bias_decay_mult=0.0,
        custom_keys={
            '.pos_embed': dict(decay_mult=0.0),
            '.cls_token': dict(decay_mult=0.0)
        }))
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
