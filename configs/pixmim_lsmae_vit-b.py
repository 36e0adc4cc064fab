# PixMIM on long-sequence MAE, ViT-B/16 at 448 px, 800 epochs.
_base_ = './lsmae/pixmim-lsmae_vit-base-p16_8xb256-amp-coslr-800e_in1k-448px.py'
