# MFF ViT-B/16, 800 epochs, with MAE's RandomResizedCrop: the baseline of
# pixmim_mff_vit-b.py.
_base_ = './mff/mff_vit-base-p16_8xb512-amp-coslr-800e_in1k.py'
