# PixMIM on MAE, ViT-B/16, 300 epochs (the ablation schedule of paper
# Table 5): the 800-epoch config with MAE's 300-epoch schedule.
_base_ = './pixmim_vit-base-p16_8xb512-amp-coslr-800e_in1k.py'

train_cfg = dict(max_epochs=300)
param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=1e-4,
        by_epoch=True,
        begin=0,
        end=40,
        convert_to_iter_based=True),
    dict(
        type='CosineAnnealingLR',
        T_max=260,
        by_epoch=True,
        begin=40,
        end=300,
        convert_to_iter_based=True)
]
