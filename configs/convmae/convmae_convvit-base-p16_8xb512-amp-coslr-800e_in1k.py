# ConvMAE-B, 800 epochs (paper Table 2; recipe Table 7): MAE's ViT-B recipe
# (batch 8 x 512 = 4096, lr 1.5e-4 * 4096 / 256, weight decay 0.05, betas
# (0.9, 0.95), 40 warm-up epochs then cosine, norm_pix, RandomResizedCrop
# 0.2-1.0) with ConvMAE's hybrid encoder (conv stages 256 / 384 channels,
# 11 ViT blocks of 768 on the visible tokens, multi-scale fusion) and MAE's
# 512-d, 8-block, 16-head decoder without a class token. The baseline of
# pixmim-convmae_convvit-base-p16_8xb512-amp-coslr-800e_in1k.py.
_base_ = '../pixmim/mae_vit-base-p16_8xb512-amp-coslr-800e_in1k.py'

model = dict(
    backbone=dict(
        _delete_=True,
        type='ConvMAEViT',
        arch='b',
        img_size=224,
        mask_ratio=0.75),
    # the stock decoder's arguments; 224 / 16 = 14, 14 x 14 = 196 patches
    neck=dict(type='ConvMAEPretrainDecoder', num_patches=196))
