# MAE ViT-B/16, 1600 epochs: the baseline of pixmim_mae_vit-b_1600e.py.
_base_ = 'mmpretrain::mae/mae_vit-base-p16_8xb512-amp-coslr-1600e_in1k.py'

# Importing the plugin also makes auto-resume work on torch >= 2.6.
custom_imports = dict(imports=['pixmim_plugin'], allow_failed_imports=False)

# see mae_vit-b.py
train_dataloader = dict(
    collate_fn=dict(_delete_=True, type='default_collate'))
