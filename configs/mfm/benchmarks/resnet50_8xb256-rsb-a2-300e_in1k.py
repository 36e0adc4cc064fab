# Fine-tuning an MFM ResNet-50 with timm's RSB a2 recipe (300e), as the
# official repository points to: mmpretrain's config, loading the backbone.
_base_ = 'mmpretrain::resnet/resnet50_8xb256-rsb-a2-300e_in1k.py'

custom_imports = dict(imports=['pixmim_plugin'], allow_failed_imports=False)
# mmengine 0.10 on torch >= 2.6: auto-resume and CPU (gloo) jobs under the
# pytorch launcher; see pixmim_plugin/engine/runner.py
runner_type = 'CompatRunner'

model = dict(
    backbone=dict(
        init_cfg=dict(type='Pretrained', checkpoint='', prefix='backbone.')))
