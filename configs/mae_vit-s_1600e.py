# MAE ViT-S/16, 1600 epochs: the baseline of pixmim_mae_vit-s_1600e.py.
_base_ = './pixmim/mae_vit-small-p16_8xb512-amp-coslr-1600e_in1k.py'
