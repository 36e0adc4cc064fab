# Linear probing of a PixMIM / ConvMAE ConvViT-B on ImageNet-1k (paper
# Table 11, ConvMAE's official probe): frozen encoder, the stage-3 tokens
# averaged and normalised by a LayerNorm without affine (ConvMAE's
# `global_pool` with a frozen fc_norm; no class token, no pre-training
# fusion, no pre-trained final norm), BatchNorm without affine before the
# linear classifier, LARS, base lr 0.1 per 256 images at batch 4096
# (8 GPUs x 512; ConvMAE's 4 nodes x 8 GPUs x 128), weight decay 0, 10
# warmup epochs + cosine, 90 epochs, RandomResizedCrop. Everything but the
# encoder and the batch is this project's ViT-B probe (mmpretrain's MAE
# probe).
# Pass the pre-training checkpoint converted --to mmpretrain (a raw training
# checkpoint holds objects torch >= 2.6 does not load weights-only):
#   --cfg-options model.backbone.init_cfg.checkpoint=PATH
_base_ = [
    '../../pixmim/benchmarks/vit-base-p16_8xb2048-linear-coslr-90e_in1k.py',
]

model = dict(
    backbone=dict(
        _delete_=True,
        type='ConvMAEViTCls',
        arch='b',
        img_size=224,
        frozen=True,
        init_cfg=dict(type='Pretrained', checkpoint='', prefix='backbone.')))

train_dataloader = dict(batch_size=512)
# lr 1.6 = 0.1 * 4096 / 256
optim_wrapper = dict(optimizer=dict(lr=0.1 * 4096 / 256))
auto_scale_lr = dict(base_batch_size=4096)
