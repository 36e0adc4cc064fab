# PixMIM on MAE, ViT-L/16, 1600 epochs (paper Table 16).
# Baseline: mae_vit-l_1600e.py; the model change is the stock ViT-L one.
_base_ = './pixmim_mae_vit-b_1600e.py'

model = dict(
    backbone=dict(type='MAEViT', arch='l'),
    neck=dict(type='MAEPretrainDecoder', embed_dim=1024))
