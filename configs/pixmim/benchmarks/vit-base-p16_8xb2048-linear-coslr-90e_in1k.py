# Linear probing of a PixMIM / MAE ViT-B/16 on ImageNet-1k (paper Table 10,
# as MAE): frozen encoder, class token, BatchNorm without affine before the
# linear classifier, LARS, base lr 0.1 per 256 images at 16384 (8 GPUs x
# 2048), 10 warmup + cosine, 90 epochs, RandomResizedCrop. This is mmpretrain's
# MAE linear-probing config; only the batch the lr is written for is fixed.
# Pass the pre-training checkpoint converted --to mmpretrain (a raw training
# checkpoint holds objects torch >= 2.6 does not load weights-only):
#   --cfg-options model.backbone.init_cfg.checkpoint=PATH
_base_ = [
    'mmpretrain::mae/benchmarks/vit-base-p16_8xb2048-linear-coslr-90e_in1k.py',
    '../../_base_/pixmim_plugin.py',
]

# lr 6.4 = 0.1 * 16384 / 256; the inherited schedule says 1024
auto_scale_lr = dict(base_batch_size=16384)
# autocast in bfloat16 where the GPU has it, else float16 with loss scaling;
# LARS has no fused implementation in torch
optim_wrapper = dict(type='AutoAmpOptimWrapper')
