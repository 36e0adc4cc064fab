# PixMIM on MAE, ViT-B/16, 1600 epochs.
_base_ = './pixmim/pixmim_vit-base-p16_8xb512-amp-coslr-1600e_in1k.py'
