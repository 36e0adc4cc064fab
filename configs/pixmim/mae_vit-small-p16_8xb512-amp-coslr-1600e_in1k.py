# MAE ViT-S/16 (DeiT-S: 384 wide, 12 blocks, 6 heads), 1600 epochs: the
# baseline of pixmim_mae_vit-s_1600e.py. mmpretrain ships no ViT-S MAE, so
# this is the ViT-B recipe with the DeiT-S encoder and MAE's decoder.
_base_ = './mae_vit-b_1600e.py'

model = dict(
    backbone=dict(type='MAEViT', arch='deit-small'),
    neck=dict(type='MAEPretrainDecoder', embed_dim=384))
