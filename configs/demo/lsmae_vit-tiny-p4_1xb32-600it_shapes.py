# Long-sequence MAE on the embedded shapes demo set, CPU-sized: the MAE demo
# (mae_vit-tiny-p8_1xb32-600it_shapes.py: 64 px, 8 px patches) with LSMAE's
# change to MAE's ViT-B at 448 px, scaled down: tokens half the side (4 px
# patches, 16 x 16 = 256 tokens) and masks on 2 x 2 patch units (8 x 8 units
# of 8 px, the MAE demo's mask granularity), 75% of the units removed; the
# decoder narrowed by LSMAE's 384/512 (96-d, 3 heads of 32). The baseline of
# pixmim-lsmae_vit-tiny-p4_1xb32-600it_shapes.py.
_base_ = './mae_vit-tiny-p8_1xb32-600it_shapes.py'

img_size = 64
patch_size = 4
mask_unit = 2

model = dict(
    backbone=dict(type='LSMAEViT', patch_size=patch_size, mask_unit=mask_unit),
    neck=dict(
        num_patches=(img_size // patch_size)**2,  # 16 * 16 = 256
        patch_size=patch_size,
        decoder_embed_dim=96,
        decoder_num_heads=3),
    head=dict(patch_size=patch_size))
