# MAE ViT-B/16, 300 epochs: the baseline of pixmim_mae_vit-b_300e.py.
_base_ = 'mmpretrain::mae/mae_vit-base-p16_8xb512-amp-coslr-300e_in1k.py'

custom_imports = dict(imports=['pixmim_plugin'], allow_failed_imports=False)
# mmengine 0.10 on torch >= 2.6: auto-resume and CPU (gloo) jobs under the
# pytorch launcher; see pixmim_plugin/engine/runner.py
runner_type = 'CompatRunner'

# see mae_vit-b.py
train_dataloader = dict(
    collate_fn=dict(_delete_=True, type='default_collate'))
