# MFM on the embedded shapes demo set: a ViT-tiny (patch 16, 64 px) with the
# official MFM recipe's model on the MAE demo's data and CPU schedule (its
# RandomResizedCrop(scale 0.2-1, bicubic) + flip is also MFM's pipeline).
# MFM encodes every patch, so patch 16 (16 tokens) keeps a step as cheap as
# the MAE demo's (16 visible of 64 tokens).
# The radius (16 bins at 224 px) scales with the input: 16 * 64 / 224 = 4.6.
_base_ = './mae_vit-tiny-p8_1xb32-600it_shapes.py'

model = dict(
    _delete_=True,
    type='MFM',
    backbone=dict(
        type='BEiTViT',
        arch='deit-tiny',
        img_size=64,
        patch_size=16,
        use_abs_pos_emb=True,
        use_rel_pos_bias=False,
        layer_scale_init_value=0.,
        final_norm=True,
        out_type='featmap'),
    neck=dict(type='SimMIMLinearDecoder', in_channels=192, encoder_stride=16),
    head=dict(type='MIMHead', loss=dict(type='FrequencyLoss')),
    corruption=dict(
        type='FrequencyCorruption', radius=16, ref_size=224,
        low_pass_prob=0.5))

optim_wrapper = dict(
    clip_grad=dict(max_norm=3.0), paramwise_cfg=dict(flat_decay_mult=0.))
