# Mask R-CNN on the demo COCO-format shapes set (`python
# tools/make_demo_data.py`) for the demo encoder of `make demo` (ViT-mini,
# patch 4; _base_/shapes.py): the COCO config of configs/pixmim/benchmarks/
# scaled down to run a few iterations on a CPU (128 px jitter, 8x8 windows
# on the 32x32 grid, global attention in blocks 2 and 4, thinner heads,
# float32). Convert the demo checkpoint first (`make demo-convert`):
#   python tools/convert_checkpoint.py work_dirs/demo_pixmim/iter_1200.pth \
#       work_dirs/demo_pixmim/vit-mini_mmdet.pth --to mmdet --trust
#   mim train mmdet configs/demo/mask-rcnn_vit-mini-p4_sfp_1xb4-60it_coco-shapes.py \
#       --cfg-options model.backbone.init_cfg.checkpoint=work_dirs/demo_pixmim/vit-mini_mmdet.pth
_base_ = [
    '../pixmim/benchmarks/mask-rcnn_vit-base-p16_sfp_8xb8-amp-lsj-100e_coco.py',
    './_base_/shapes.py',
]

data_root = 'data/demo/coco/'
classes = _base_.demo_classes
image_size = (128, 128)
channels = 64
batch_size = 4
max_iters = 60

model = dict(
    data_preprocessor=dict(
        pad_size_divisor=image_size[0],
        batch_augments=[
            dict(type='BatchFixedSizePad', size=image_size, pad_mask=True)
        ]),
    backbone=dict(
        arch=dict(_base_.demo_arch, global_attn_indexes=[1, 3], _delete_=True),
        img_size=image_size[0],
        patch_size=_base_.demo_patch_size,
        window_size=8,
        drop_path_rate=0.),
    neck=dict(
        in_channels=_base_.demo_arch['embed_dims'], out_channels=channels),
    rpn_head=dict(in_channels=channels, feat_channels=channels),
    roi_head=dict(
        bbox_roi_extractor=dict(out_channels=channels),
        bbox_head=dict(
            in_channels=channels,
            conv_out_channels=channels,
            fc_out_channels=256,
            num_classes=len(classes)),
        mask_roi_extractor=dict(out_channels=channels),
        mask_head=dict(
            in_channels=channels,
            conv_out_channels=channels,
            num_classes=len(classes))),
    train_cfg=dict(rcnn=dict(sampler=dict(num=128))),
    # a few CPU iterations leave every score low: keep them all, so that
    # CocoMetric has detections to score
    test_cfg=dict(rcnn=dict(score_thr=0.)))

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations', with_bbox=True, with_mask=True),
    dict(
        type='RandomResize',
        scale=image_size,
        ratio_range=(0.5, 2.0),
        keep_ratio=True),
    dict(
        type='RandomCrop',
        crop_type='absolute_range',
        crop_size=image_size,
        recompute_bbox=True,
        allow_negative_crop=True),
    dict(type='FilterAnnotations', min_gt_bbox_wh=(1e-2, 1e-2)),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackDetInputs')
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=image_size, keep_ratio=True),
    dict(type='LoadAnnotations', with_bbox=True, with_mask=True),
    dict(
        type='PackDetInputs',
        meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                   'scale_factor'))
]
dataset = dict(
    type='CocoDataset', data_root=data_root, metainfo=dict(classes=classes))
train_dataloader = dict(
    batch_size=batch_size,
    num_workers=2,
    dataset=dict(
        _delete_=True,
        ann_file='annotations/instances_train2017.json',
        data_prefix=dict(img='images/train2017/'),
        filter_cfg=dict(filter_empty_gt=True),
        pipeline=train_pipeline,
        **dataset))
val_dataloader = dict(
    num_workers=2,
    dataset=dict(
        _delete_=True,
        ann_file='annotations/instances_val2017.json',
        data_prefix=dict(img='images/val2017/'),
        test_mode=True,
        pipeline=test_pipeline,
        **dataset))
test_dataloader = val_dataloader
val_evaluator = dict(ann_file=data_root + 'annotations/instances_val2017.json')
test_evaluator = val_evaluator

# AMP needs a GPU
optim_wrapper = dict(type='OptimWrapper', optimizer=dict(lr=4e-4))
auto_scale_lr = dict(enable=False, base_batch_size=batch_size)
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=False, begin=0, end=10),
    dict(
        type='CosineAnnealingLR',
        T_max=max_iters - 10,
        by_epoch=False,
        begin=10,
        end=max_iters)
]
train_cfg = dict(
    _delete_=True,
    type='IterBasedTrainLoop',
    max_iters=max_iters,
    val_interval=max_iters)
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=10),
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=max_iters))
log_processor = dict(by_epoch=False)
env_cfg = dict(dist_cfg=dict(backend='gloo'))
