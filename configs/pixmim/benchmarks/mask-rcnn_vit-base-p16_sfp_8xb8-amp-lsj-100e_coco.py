# Mask R-CNN on COCO with a PixMIM / MAE ViT-B/16 in the ViTDet style, with
# the PixMIM paper's recipe (Table 14): AdamW lr 8e-5, weight decay 0.1,
# betas (0.9, 0.999), layer decay 0.75, drop path 0.1, batch 64 (8 GPUs x 8),
# cosine decay, 100 epochs of large-scale jitter at 1024 px (mmdet's
# strong-baseline Mask R-CNN: 25 epochs over the set repeated 4 times, RPN
# with 2 convolutions, 4conv1fc box head), with LayerNorm where it has
# SyncBN, as ViTDet.
# Encoder: mmpretrain's ViTSAM = ViTDet's ViT (14x14 windows, global attention
# in blocks 2, 5, 8, 11, decomposed relative positions initialised to zero,
# absolute positions interpolated to 64x64), no final norm; neck: ViTDet's
# simple feature pyramid (pixmim_plugin.det). Unlike ViTDet, which keeps the
# 14x14 grid and interpolates it at every step, ViTSAM interpolates it once
# when loading and trains the 64x64 grid (identical at the start).
# 8 x 8 images of 1024 px need large-memory GPUs; 16 GPUs x 4
# (`train_dataloader.batch_size=4`) keeps the batch at 64.
# Convert the pre-training checkpoint first, then pass it:
#   python tools/convert_checkpoint.py CKPT vit-b_mmdet.pth --to mmdet --trust
#   mim train mmdet THIS_CONFIG --launcher pytorch --gpus 8 --cfg-options \
#       model.backbone.init_cfg.checkpoint=vit-b_mmdet.pth
_base_ = [
    'mmdet::strong_baselines/mask-rcnn_r50_fpn_rpn-2conv_4conv1fc_syncbn-all_amp-lsj-100e_coco.py',  # noqa: E501
    '../../_base_/pixmim_plugin.py',
]

custom_imports = dict(imports=['pixmim_plugin.det'])  # needs mmdet

image_size = (1024, 1024)
norm_cfg = dict(type='mmpretrain.LN2d', eps=1e-6, requires_grad=True)
model = dict(
    data_preprocessor=dict(pad_size_divisor=image_size[0]),
    backbone=dict(
        _delete_=True,
        type='mmpretrain.ViTSAM',
        arch='base',  # global attention in blocks 2, 5, 8, 11
        img_size=image_size[0],
        patch_size=16,
        out_channels=0,  # ViTSAM's own neck is SAM's, not used
        window_size=14,
        use_rel_pos=True,
        drop_path_rate=0.1,
        init_cfg=dict(type='Pretrained', checkpoint='')),
    neck=dict(
        _delete_=True,
        type='SimpleFeaturePyramid',
        in_channels=768,
        out_channels=256,
        scale_factors=(4.0, 2.0, 1.0, 0.5),
        num_outs=5,
        norm_cfg=norm_cfg),
    roi_head=dict(
        bbox_head=dict(norm_cfg=norm_cfg), mask_head=dict(norm_cfg=norm_cfg)))

# evaluated as ViTDet: long side 1024 (test_pipeline), then padded with 0
# after normalisation to the 1024 x 1024 square (pad_size_divisor, which
# unlike a Pad transform leaves img_shape, hence box clipping, alone), so
# the position grid and the global blocks' relative positions see the size
# they were trained at
test_pipeline = [
    dict(type='LoadImageFromFile', backend_args={{_base_.backend_args}}),
    dict(type='Resize', scale=image_size, keep_ratio=True),
    dict(type='LoadAnnotations', with_bbox=True, with_mask=True),
    dict(
        type='PackDetInputs',
        meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                   'scale_factor'))
]
train_dataloader = dict(batch_size=8, num_workers=8)
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader

optim_wrapper = dict(
    _delete_=True,
    # bfloat16 where the GPU has it, else float16 with loss scaling
    type='mmpretrain.AutoAmpOptimWrapper',
    optimizer=dict(
        type='AdamW',
        lr=8e-5,
        betas=(0.9, 0.999),
        weight_decay=0.1,
        fused=True),
    constructor='BackboneLayerDecayOptimWrapperConstructor',
    # no decay on norms and absolute positions, as ViTDet
    paramwise_cfg=dict(
        layer_decay_rate=0.75,
        norm_decay_mult=0.,
        custom_keys={'.pos_embed': dict(decay_mult=0.)}))
max_epochs = 25  # x 4 repeats = 100 epochs
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=False, begin=0, end=250),
    dict(
        type='CosineAnnealingLR',
        T_max=max_epochs,
        eta_min=0.,
        by_epoch=True,
        begin=0,
        end=max_epochs,
        convert_to_iter_based=True)
]
train_cfg = dict(max_epochs=max_epochs)
auto_scale_lr = dict(enable=False, base_batch_size=64)
