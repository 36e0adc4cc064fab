# SimMIM Swin-B (window 6, 192 px), 800 epochs: the baseline of
# pixmim-simmim_swin-base-w6_16xb128-amp-coslr-800e_in1k-192px.py, which
# differs from this file only in what PixMIM changes.
_base_ = [
    'mmpretrain::simmim/simmim_swin-base-w6_16xb128-amp-coslr-800e_in1k-192px.py',
    '../_base_/pixmim_plugin.py',
]

# The stock file inherits batch 256 from its dataset base; its name, its lr
# (1e-4 * 2048 / 512) and auto_scale_lr all mean 16 GPUs x 128 = 2048.
train_dataloader = dict(
    batch_size=128, collate_fn=dict(_delete_=True, type='default_collate'))

# Speed, as in every config of this project: fused AdamW, and autocast in
# bfloat16 where the GPU has it, else float16 with dynamic loss scaling
# (AutoAmpOptimWrapper decides at start-up and logs its choice).
optim_wrapper = dict(type='AutoAmpOptimWrapper', optimizer=dict(fused=True))
