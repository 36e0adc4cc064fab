# PixMIM on ConvMAE-B, 800 epochs (paper Table 2).
_base_ = ('./convmae/'
          'pixmim-convmae_convvit-base-p16_8xb512-amp-coslr-800e_in1k.py')
