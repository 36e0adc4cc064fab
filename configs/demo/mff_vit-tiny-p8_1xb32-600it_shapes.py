# MFF on the embedded shapes demo set: the MAE demo's ViT-tiny (12 layers,
# patch 8, 64 px) with MFF's fusion of layers 0, 2, 4, 6, 8 and 11, as on
# ViT-B. The baseline of pixmim-mff_vit-tiny-p8_1xb32-600it_shapes.py; its
# crop is the MAE demo's RandomResizedCrop(0.2-1.0, bicubic).
_base_ = './mae_vit-tiny-p8_1xb32-600it_shapes.py'

model = dict(
    type='MFF', backbone=dict(type='MFFViT', out_indices=[0, 2, 4, 6, 8, 11]))
