# PixMIM on MAE, ViT-L/16, 1600 epochs (paper Table 16). Baseline:
# mae_vit-large-p16_8xb512-amp-coslr-1600e_in1k.py; the encoder change is
# mmpretrain's ViT-L one.
_base_ = './pixmim_vit-base-p16_8xb512-amp-coslr-1600e_in1k.py'

model = dict(
    backbone=dict(type='MAEViT', arch='l'),
    neck=dict(type='MAEPretrainDecoder', embed_dim=1024))
