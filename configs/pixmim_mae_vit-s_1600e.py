# PixMIM on MAE, ViT-S/16, 1600 epochs.
_base_ = './pixmim/pixmim_vit-small-p16_8xb512-amp-coslr-1600e_in1k.py'
