# UperNet on ADE20K (512x512 crops, 160k iterations, 8 GPUs x 2 images) for
# a PixMIM / ConvMAE ConvViT-B, with the PixMIM paper's recipe (Table 13):
# AdamW lr 3e-4, weight decay 0.05, betas (0.9, 0.999), layer decay 0.75,
# 1500 warmup iterations then cosine, drop path 0.1.
# Where ConvMAE's code (Alpha-VL/ConvMAE SEG/, commit 4c97b4c) differs: lr
# 1e-4 (the paper's 3e-4 is used), drop path 0.2, poly decay (power 1)
# after the same warm-up; the same layer decay 0.75 over the same depths
# (stages 1-2, patch embeddings and positions 0, block i of stage 3 i + 1,
# the heads 12) and no weight decay on biases and norms.
# Encoder: ConvMAEViTDet with global attention in all 11 stage-3 blocks, as
# ConvMAE's segmentation backbone: stage-1, stage-2 and stage-3 maps
# (strides 4, 8, 16; 256, 384, 768 channels) and the stage-3 map max-pooled
# to stride 32 (ConvMAE: a stride-2 3x3 convolution, BN and GELU); ViTDet's
# decomposed relative positions initialised to zero (ConvMAE: a BEiT
# relative position bias table per block and LayerScale initialised to 1),
# the pre-trained sin-cos positions interpolated from 14x14 to 32x32 on
# loading and trained, as ConvMAE's segmentation code does (depth 0, no
# weight decay: ConvMAE's constructor means to spare it, through
# no_weight_decay(), but compares 'pos_embed' with the prefixed name
# 'backbone.pos_embed', so its position embedding is decayed; here it is
# not, as in ConvMAE's classification and detection code).
# Convert the pre-training checkpoint first, then pass it:
#   python tools/convert_checkpoint.py CKPT convvit-b_mmseg.pth --to mmseg --trust
#   mim train mmseg THIS_CONFIG --launcher pytorch --gpus 8 --cfg-options \
#       model.backbone.init_cfg.checkpoint=convvit-b_mmseg.pth
_base_ = [
    'mmseg::upernet/upernet_r50_4xb4-160k_ade20k-512x512.py',
    '../../_base_/pixmim_plugin.py',
]

custom_imports = dict(imports=['pixmim_plugin.seg'])  # needs mmseg

crop_size = (512, 512)
model = dict(
    pretrained=None,
    backbone=dict(
        _delete_=True,
        type='mmpretrain.ConvMAEViTDet',
        arch='b',
        img_size=crop_size,
        window_size=0,  # global attention everywhere
        use_rel_pos=True,
        drop_path_rate=0.1,
        init_cfg=dict(type='Pretrained', checkpoint='')),
    decode_head=dict(in_channels=[256, 384, 768, 768], channels=768),
    auxiliary_head=dict(in_channels=768),  # stage 3
    test_cfg=dict(mode='slide', crop_size=crop_size, stride=(341, 341)))

train_dataloader = dict(batch_size=2)

optim_wrapper = dict(
    _delete_=True,
    # bfloat16 where the GPU has it, else float16 with loss scaling
    type='mmpretrain.AutoAmpOptimWrapper',
    loss_scale='dynamic',
    optimizer=dict(
        type='AdamW',
        lr=3e-4,
        betas=(0.9, 0.999),
        weight_decay=0.05,
        fused=True),
    constructor='BackboneLayerDecayOptimWrapperConstructor',
    # lr x 0.75 ** (12 - depth); no weight decay on 1-d weights (biases,
    # norms), as ConvMAE's segmentation code, nor on the position embedding
    paramwise_cfg=dict(
        layer_decay_rate=0.75,
        flat_decay_mult=0.,
        custom_keys={'.pos_embed': dict(decay_mult=0.)}))
param_scheduler = [
    dict(
        type='LinearLR', start_factor=1e-6, by_epoch=False, begin=0, end=1500),
    dict(
        type='CosineAnnealingLR',
        T_max=160000 - 1500,
        eta_min=0.,
        by_epoch=False,
        begin=1500,
        end=160000)
]

# the lr above is for 8 GPUs x 2 images; on another total batch add
# --cfg-options auto_scale_lr.enable=True
auto_scale_lr = dict(enable=False, base_batch_size=16)
