# PixMIM on MAE, ViT-S/16, 1600 epochs (paper Table 16). Baseline:
# mae_vit-small-p16_8xb512-amp-coslr-1600e_in1k.py, whose encoder change
# this repeats.
_base_ = './pixmim_vit-base-p16_8xb512-amp-coslr-1600e_in1k.py'

model = dict(
    backbone=dict(type='MAEViT', arch='deit-small'),
    neck=dict(type='MAEPretrainDecoder', embed_dim=384))
