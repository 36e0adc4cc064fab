# PixMIM's target and crop on SimMIM Swin-B (192 px), 800 epochs.
_base_ = './simmim/pixmim-simmim_swin-base-w6_16xb128-amp-coslr-800e_in1k-192px.py'
