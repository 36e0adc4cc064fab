# PixMIM on MFF, ViT-B/16, 800 epochs.
_base_ = './mff/pixmim-mff_vit-base-p16_8xb512-amp-coslr-800e_in1k.py'
