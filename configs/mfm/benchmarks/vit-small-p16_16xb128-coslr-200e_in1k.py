# Fine-tuning an MFM ViT-S/16, 200 epochs (official), otherwise as ViT-B.
_base_ = './vit-base-p16_16xb128-coslr-100e_in1k.py'

model = dict(backbone=dict(arch='deit-small'), head=dict(in_channels=384))

param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=1e-4,
        by_epoch=True,
        begin=0,
        end=5,
        convert_to_iter_based=True),
    dict(
        type='CosineAnnealingLR',
        T_max=195,
        by_epoch=True,
        begin=5,
        end=200,
        eta_min=1e-6,
        convert_to_iter_based=True)
]
train_cfg = dict(max_epochs=200)
