# PixMIM on MAE, ViT-S/16, 1600 epochs (paper Table 16).
# Baseline: mae_vit-s_1600e.py, whose model change this repeats.
_base_ = './pixmim_mae_vit-b_1600e.py'

model = dict(
    backbone=dict(type='MAEViT', arch='deit-small'),
    neck=dict(type='MAEPretrainDecoder', embed_dim=384))
