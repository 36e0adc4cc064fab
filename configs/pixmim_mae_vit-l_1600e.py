# PixMIM on MAE, ViT-L/16, 1600 epochs.
_base_ = './pixmim/pixmim_vit-large-p16_8xb512-amp-coslr-1600e_in1k.py'
