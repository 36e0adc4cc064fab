# Masked Frequency Modeling (Xie et al., ICLR 2023), ViT-B/16, 300 epochs,
# following the official code (github.com/Jiahao000/MFM): 16 GPUs x 128.
_base_ = [
    'mmpretrain::_base_/datasets/imagenet_bs512_mae.py',
    'mmpretrain::_base_/default_runtime.py',
    '../_base_/pixmim_plugin.py',
]

# The stock MAE data: RandomResizedCrop(224, scale 0.2-1, bicubic) + flip,
# which is all the official pipeline does.
train_dataloader = dict(
    batch_size=128,
    # see configs/pixmim/mae_vit-base-p16_8xb512-amp-coslr-800e_in1k.py
    collate_fn=dict(_delete_=True, type='default_collate'))

model = dict(
    type='MFM',
    backbone=dict(
        # The official encoder is BEiT-style: q/v biases only, learnable
        # absolute position embedding, no relative position bias, no
        # LayerScale, final LayerNorm, class token dropped for the head.
        type='BEiTViT',
        arch='base',
        img_size=224,
        patch_size=16,
        use_abs_pos_emb=True,
        use_rel_pos_bias=False,
        layer_scale_init_value=0.,
        final_norm=True,
        out_type='featmap'),
    neck=dict(type='SimMIMLinearDecoder', in_channels=768, encoder_stride=16),
    head=dict(type='MIMHead', loss=dict(type='FrequencyLoss')),
    corruption=dict(type='FrequencyCorruption', radius=16, low_pass_prob=0.5))

# base lr 3e-4 per 512 images; no weight decay on 1-D parameters (biases,
# norms), the position embedding and the class token.
# fused AdamW; autocast in bfloat16 where the GPU has it, else float16 with
# dynamic loss scaling (AutoAmpOptimWrapper logs its choice)
optim_wrapper = dict(
    type='AutoAmpOptimWrapper',
    loss_scale='dynamic',
    optimizer=dict(
        type='AdamW',
        lr=3e-4 * 2048 / 512,
        betas=(0.9, 0.95),
        weight_decay=0.05,
        fused=True),
    clip_grad=dict(max_norm=3.0),
    paramwise_cfg=dict(
        flat_decay_mult=0.,
        custom_keys={
            'pos_embed': dict(decay_mult=0.),
            'cls_token': dict(decay_mult=0.)
        }))
# warmup from 2.5e-7 and cosine to 2.5e-6 (per 512), stepped per iteration
param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=2.5e-7 / 3e-4,
        by_epoch=True,
        begin=0,
        end=20,
        convert_to_iter_based=True),
    dict(
        type='CosineAnnealingLR',
        T_max=280,
        eta_min_ratio=2.5e-6 / 3e-4,
        by_epoch=True,
        begin=20,
        end=300,
        convert_to_iter_based=True)
]

train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=300)
default_hooks = dict(
    checkpoint=dict(type='CheckpointHook', interval=1, max_keep_ckpts=3))
randomness = dict(seed=0, diff_rank_seed=True)
resume = True
# the learning rate above is for 2048 images a step; with another batch use
# --cfg-options auto_scale_lr.enable=True
auto_scale_lr = dict(base_batch_size=2048)
