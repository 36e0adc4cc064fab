# MAE ViT-B/16, 300 epochs: the baseline of pixmim_mae_vit-b_300e.py.
_base_ = './pixmim/mae_vit-base-p16_8xb512-amp-coslr-300e_in1k.py'
