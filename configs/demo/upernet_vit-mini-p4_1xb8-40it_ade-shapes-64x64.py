# UperNet on the demo ADE-layout shapes set (`python tools/make_demo_data.py`)
# for the demo encoder of `make demo` (ViT-mini, patch 4; _base_/shapes.py):
# the ADE20K config of configs/pixmim/benchmarks/ scaled down to run a few
# iterations on a CPU (64 px crops, features of all 4 blocks, thinner
# heads). Convert the demo checkpoint first (`make demo-convert`):
#   python tools/convert_checkpoint.py work_dirs/demo_pixmim/iter_1200.pth \
#       work_dirs/demo_pixmim/vit-mini_mmseg.pth --to mmseg --trust
#   mim train mmseg configs/demo/upernet_vit-mini-p4_1xb8-40it_ade-shapes-64x64.py \
#       --cfg-options model.backbone.init_cfg.checkpoint=work_dirs/demo_pixmim/vit-mini_mmseg.pth
_base_ = [
    '../pixmim/benchmarks/upernet_vit-base-p16_8xb2-amp-160k_ade20k-512x512.py',
    './_base_/shapes.py',
]

data_root = 'data/demo/ade/ADEChallengeData2016'
classes = _base_.demo_classes  # label k + 1 in the maps; 0 is ignored
crop_size = (64, 64)
max_iters = 40
norm_cfg = dict(type='BN', requires_grad=True)  # SyncBN needs a process group
arch = _base_.demo_arch
channels = arch['embed_dims']

model = dict(
    data_preprocessor=dict(size=crop_size),
    backbone=dict(
        img_size=crop_size,
        patch_size=_base_.demo_patch_size,
        embed_dims=channels,
        num_layers=arch['num_layers'],
        num_heads=arch['num_heads'],
        mlp_ratio=arch['feedforward_channels'] // channels,
        out_indices=list(range(arch['num_layers'])),
        drop_path_rate=0.),
    neck=dict(embed_dim=channels, norm_cfg=norm_cfg),
    decode_head=dict(
        in_channels=[channels] * 4,
        channels=64,
        num_classes=len(classes),
        norm_cfg=norm_cfg),
    auxiliary_head=dict(
        in_channels=channels,
        channels=32,
        num_classes=len(classes),
        norm_cfg=norm_cfg),
    test_cfg=dict(mode='slide', crop_size=crop_size, stride=(43, 43)))

dataset = dict(
    type='BaseSegDataset',
    data_root=data_root,
    metainfo=dict(classes=classes),
    img_suffix='.jpg',
    seg_map_suffix='.png',
    reduce_zero_label=True)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations', reduce_zero_label=True),
    dict(
        type='RandomResize',
        scale=(128, 64),
        ratio_range=(0.5, 2.0),
        keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size, cat_max_ratio=0.75),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs')
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(128, 64), keep_ratio=True),
    dict(type='LoadAnnotations', reduce_zero_label=True),
    dict(type='PackSegInputs')
]
train_dataloader = dict(
    batch_size=8,
    num_workers=2,
    dataset=dict(
        _delete_=True,
        data_prefix=dict(
            img_path='images/training', seg_map_path='annotations/training'),
        pipeline=train_pipeline,
        **dataset))
val_dataloader = dict(
    num_workers=2,
    dataset=dict(
        _delete_=True,
        data_prefix=dict(
            img_path='images/validation',
            seg_map_path='annotations/validation'),
        pipeline=test_pipeline,
        **dataset))
test_dataloader = val_dataloader

# AMP needs a GPU
optim_wrapper = dict(
    type='OptimWrapper',
    _delete_=True,
    optimizer=dict(
        type='AdamW',
        lr=2e-4,
        betas=(0.9, 0.999),
        weight_decay=0.05,
        fused=True),
    constructor='LayerDecayOptimizerConstructor',
    paramwise_cfg=dict(num_layers=arch['num_layers'], layer_decay_rate=0.75))
auto_scale_lr = dict(enable=False, base_batch_size=8)  # 1 x 8 images
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=False, begin=0, end=10),
    dict(
        type='CosineAnnealingLR',
        T_max=max_iters - 10,
        by_epoch=False,
        begin=10,
        end=max_iters)
]
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=10),
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=max_iters))
env_cfg = dict(dist_cfg=dict(backend='gloo'))
