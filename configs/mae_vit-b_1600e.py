# MAE ViT-B/16, 1600 epochs: the baseline of pixmim_mae_vit-b_1600e.py.
_base_ = './pixmim/mae_vit-base-p16_8xb512-amp-coslr-1600e_in1k.py'
