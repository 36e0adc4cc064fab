# PixMIM on MAE, ViT-B/16, 800 epochs (the paper's main result).
_base_ = './pixmim/pixmim_vit-base-p16_8xb512-amp-coslr-800e_in1k.py'
