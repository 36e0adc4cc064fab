# PixMIM on MAE, ViT-B/16, 300 epochs (the ablation schedule of paper Table 5): MAE's
# recipe with a low-frequency target (r = 40) and Simple Resized Crop.
# Baseline: mae_vit-b_300e.py.
_base_ = 'mmpretrain::mae/mae_vit-base-p16_8xb512-amp-coslr-300e_in1k.py'

custom_imports = dict(imports=['pixmim_plugin'], allow_failed_imports=False)
# mmengine 0.10 on torch >= 2.6: auto-resume and CPU (gloo) jobs under the
# pytorch launcher; see pixmim_plugin/engine/runner.py
runner_type = 'CompatRunner'

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='SimpleResizedCrop', scale=224, padding=4,
         interpolation='bilinear', backend='torch'),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackInputs'),
]
train_dataloader = dict(
    dataset=dict(pipeline=train_pipeline),
    # see mae_vit-b.py
    collate_fn=dict(_delete_=True, type='default_collate'))

model = dict(
    type='PixMIM',
    target_generator=dict(
        type='LowFreqTargetGenerator', radius=40, img_size=224))
