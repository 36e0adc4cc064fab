# MFM, ResNet-50, 300 epochs (official): the last stage (stride 32) is
# decoded, and low-pass inputs are drawn with probability 0.3.
_base_ = './mfm_vit-base-p16_16xb128-amp-coslr-300e_in1k.py'

model = dict(
    backbone=dict(_delete_=True, type='ResNet', depth=50, out_indices=(3, )),
    neck=dict(in_channels=2048, encoder_stride=32),
    corruption=dict(low_pass_prob=0.3))
