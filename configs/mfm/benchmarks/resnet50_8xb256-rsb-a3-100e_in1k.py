# Fine-tuning an MFM ResNet-50 with timm's RSB a3 recipe (100e), as the
# official repository points to: mmpretrain's config, loading the backbone.
_base_ = [
    'mmpretrain::resnet/resnet50_8xb256-rsb-a3-100e_in1k.py',
    '../../_base_/pixmim_plugin.py',
]

model = dict(
    backbone=dict(
        init_cfg=dict(type='Pretrained', checkpoint='', prefix='backbone.')))
