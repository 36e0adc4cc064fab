# ConvMAE-B, 800 epochs (paper Table 2; recipe Table 7): MAE's ViT-B recipe
# (batch 8 x 512 = 4096, lr 1.5e-4 * 4096 / 256, weight decay 0.05, betas
# (0.9, 0.95), 40 warm-up epochs then cosine, norm_pix, RandomResizedCrop
# 0.2-1.0) with ConvMAE's hybrid encoder (conv stages 256 / 384 channels,
# 11 ViT blocks of 768 on the visible tokens, multi-scale fusion) and MAE's
# 512-d, 8-block, 16-head decoder without a class token. The baseline of
# pixmim-convmae_convvit-base-p16_8xb512-amp-coslr-800e_in1k.py.
# Sources: batch 4096 and 800 epochs are the PixMIM paper's own (Table 7,
# Section 5.1: "we increase the batch size of ConvMAE ... to 4096"; Table
# 2's ConvMAE rows at 800 epochs). The official recipe (Alpha-VL/ConvMAE
# PRETRAIN.md) is 3 nodes x 8 GPUs x 128 = 3072 images for 1600 epochs;
# base lr 1.5e-4 per 256, weight decay 0.05, 40 warm-up epochs, mask ratio
# 0.75 and norm_pix are both sources' (betas (0.9, 0.95) are the official
# main_pretrain.py's, from MAE). Paper Table 17's 1600-epoch rows:
#   --cfg-options train_cfg.max_epochs=1600 param_scheduler.1.T_max=1560 \
#       param_scheduler.1.end=1600
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
