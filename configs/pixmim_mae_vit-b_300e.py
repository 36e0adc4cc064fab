# PixMIM on MAE, ViT-B/16, 300 epochs.
_base_ = './pixmim/pixmim_vit-base-p16_8xb512-amp-coslr-300e_in1k.py'
