# MAE ViT-B/16, 800 epochs: the baseline of pixmim_mae_vit-b.py.
_base_ = './pixmim/mae_vit-base-p16_8xb512-amp-coslr-800e_in1k.py'
