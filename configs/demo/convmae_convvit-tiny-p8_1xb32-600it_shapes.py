# ConvMAE with a reduced encoder (channels 48 / 96 / 192, blocks 1 / 1 / 4,
# patch embeddings 2 / 2 / 2: stride 8, 64 px -> 8 x 8 patches) on the
# embedded shapes demo set: the MAE demo's schedule and decoder. The
# baseline of pixmim-convmae_convvit-tiny-p8_1xb32-600it_shapes.py.
_base_ = './mae_vit-tiny-p8_1xb32-600it_shapes.py'

img_size = 64
patch_size = 2 * 2 * 2

model = dict(
    backbone=dict(
        _delete_=True,
        type='ConvMAEViT',
        arch=dict(
            embed_dims=[48, 96, 192],
            depths=[1, 1, 4],
            patch_sizes=[2, 2, 2],
            num_heads=3,
            mlp_ratio=4),
        img_size=img_size),
    neck=dict(
        type='ConvMAEPretrainDecoder',
        num_patches=(img_size // patch_size)**2,
        patch_size=patch_size),
    head=dict(patch_size=patch_size))
