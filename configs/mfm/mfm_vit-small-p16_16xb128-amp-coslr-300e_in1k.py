# MFM, ViT-S/16 (384 wide, 12 blocks, 6 heads), 300 epochs (official).
_base_ = './mfm_vit-base-p16_16xb128-amp-coslr-300e_in1k.py'

model = dict(backbone=dict(arch='deit-small'), neck=dict(in_channels=384))
