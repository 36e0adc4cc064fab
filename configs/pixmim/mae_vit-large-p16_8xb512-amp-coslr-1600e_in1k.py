# MAE ViT-L/16, 1600 epochs: the baseline of
# pixmim_vit-large-p16_8xb512-amp-coslr-1600e_in1k.py.
_base_ = [
    'mmpretrain::mae/mae_vit-large-p16_8xb512-amp-coslr-1600e_in1k.py',
    '../_base_/pixmim_plugin.py',
]

# see mae_vit-base-p16_8xb512-amp-coslr-800e_in1k.py
train_dataloader = dict(collate_fn=dict(_delete_=True, type='default_collate'))

# Speed, as in every config of this project: fused AdamW, and autocast in
# bfloat16 where the GPU has it, else float16 with dynamic loss scaling
# (AutoAmpOptimWrapper decides at start-up and logs its choice).
optim_wrapper = dict(type='AutoAmpOptimWrapper', optimizer=dict(fused=True))
