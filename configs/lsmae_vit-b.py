# LSMAE, ViT-B/16 at 448 px, 800 epochs: the baseline of
# pixmim_lsmae_vit-b.py.
_base_ = './lsmae/lsmae_vit-base-p16_8xb256-amp-coslr-800e_in1k-448px.py'
