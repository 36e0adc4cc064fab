# ConvMAE-B, 800 epochs: the baseline of pixmim_convmae_convvit-b.py.
_base_ = './convmae/convmae_convvit-base-p16_8xb512-amp-coslr-800e_in1k.py'
