# Fine-tuning an LSMAE / PixMIM-LSMAE ViT-B/16 on ImageNet-1k at 224 px
# (paper Table 9, the same protocol as PixMIM on MAE): the encoder was
# pre-trained at 448 px, 28 x 28 patches. Its 28 x 28 position embedding is
# resized to the classifier's 14 x 14 on load (bicubic, the class token's row
# kept) by mmpretrain's VisionTransformer (`_prepare_pos_embed`, a state-dict
# pre-hook; `interpolate_mode='bicubic'`), so every other encoder weight
# loads as it is; the final LayerNorm of pre-training (ln1) is replaced by
# the pooled features' LayerNorm (ln2), as for MAE. Pass the pre-training
# checkpoint converted --to mmpretrain (tools/convert_checkpoint.py):
#   --cfg-options model.backbone.init_cfg.checkpoint=PATH
_base_ = '../../pixmim/benchmarks/vit-base-p16_8xb128-coslr-100e_in1k.py'
