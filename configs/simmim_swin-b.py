# SimMIM Swin-B (192 px), 800 epochs: the baseline of pixmim_simmim_swin-b.py.
_base_ = './simmim/simmim_swin-base-w6_16xb128-amp-coslr-800e_in1k-192px.py'
