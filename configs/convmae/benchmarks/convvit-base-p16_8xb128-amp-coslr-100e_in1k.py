# Fine-tuning a PixMIM / ConvMAE ConvViT-B on ImageNet-1k, ConvMAE's
# headline column, with the official recipe (Alpha-VL/ConvMAE FINETUNE.md
# and main_finetune.py): 100 epochs, AdamW base lr 5e-4 per 256 images at
# batch 1024 (8 GPUs x 128, FINETUNE.md's one-node command; its 4 nodes x 8
# GPUs x 32 is the same 1024), layer decay 0.65, drop path 0.1, weight decay
# 0.05, betas (0.9, 0.999), 5 warm-up epochs then cosine to 1e-6, RandAug
# rand-m9-mstd0.5-inc1, random erasing 0.25, mixup 0.8, cutmix 1.0, label
# smoothing 0.1, bicubic RandomResizedCrop, resize 256 + centre crop 224 for
# evaluation, mixed precision (its loss scaler). These are main_finetune.py's
# defaults, which are MAE's, so everything but the encoder, the lr and the
# autocast is mmpretrain's MAE fine-tuning config.
# Encoder: ConvMAEViTCls, the official ConvViT with global_pool: the three
# stages with global attention, the stage-3 tokens averaged, a new
# LayerNorm (fc_norm); the pre-training fusion convs and final norm dropped.
# Its position embedding is trained, as the official classifier's.
# Layer decay as the official util/lr_decay.py: conv stages, patch
# embeddings and the position embedding at depth 0 (lr x 0.65 ** 12),
# stage-3 block i at i + 1, fc_norm and the head at 12 (lr x 1); no weight
# decay on any 1-d weight (fc_norm's included) nor on the position embedding.
# The PixMIM paper's Table 9 lists MAE's lr 1e-3 and layer decay 0.75 for
# every base while its Section 5.1 says each base keeps its own fine-tuning
# protocol; this file is the official ConvMAE protocol, for ConvMAE and
# PixMIM-ConvMAE alike. Table 9's values: --cfg-options
# optim_wrapper.optimizer.lr=4e-3 optim_wrapper.paramwise_cfg.layer_decay_rate=0.75
# Pass the pre-training checkpoint converted --to mmpretrain (a raw training
# checkpoint holds objects torch >= 2.6 does not load weights-only):
#   --cfg-options model.backbone.init_cfg.checkpoint=PATH
_base_ = [
    'mmpretrain::mae/benchmarks/vit-base-p16_8xb128-coslr-100e_in1k.py',
    '../../_base_/pixmim_plugin.py',
]

model = dict(
    backbone=dict(
        _delete_=True,
        type='ConvMAEViTCls',
        arch='b',
        img_size=224,
        drop_path_rate=0.1,
        init_cfg=dict(type='Pretrained', checkpoint='', prefix='backbone.')))

optim_wrapper = dict(
    # autocast in bfloat16 where the GPU has it, else float16 with loss
    # scaling
    type='AutoAmpOptimWrapper',
    optimizer=dict(lr=5e-4 * 1024 / 256, fused=True),
    # the stock custom_keys spare '.ln', '.bias' and '.pos_embed'; every
    # other 1-d weight (fc_norm.weight) as well, as the official code
    paramwise_cfg=dict(layer_decay_rate=0.65, flat_decay_mult=0.))
auto_scale_lr = dict(base_batch_size=1024)
