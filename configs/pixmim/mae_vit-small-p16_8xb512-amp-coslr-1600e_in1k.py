# MAE ViT-S/16 (DeiT-S: 384 wide, 12 blocks, 6 heads), 1600 epochs: the
# baseline of pixmim_vit-small-p16_8xb512-amp-coslr-1600e_in1k.py. mmpretrain
# ships no ViT-S MAE, so this is the ViT-B recipe with the DeiT-S encoder and
# MAE's decoder.
_base_ = './mae_vit-base-p16_8xb512-amp-coslr-1600e_in1k.py'

model = dict(
    backbone=dict(type='MAEViT', arch='deit-small'),
    neck=dict(type='MAEPretrainDecoder', embed_dim=384))
