# The demo fine-tuned ViT-mini (vit-mini-p4_1xb32-900it_shapes-objects.py)
# on the ImageNet-C-style copy of the demo object crops' validation split
# (`python tools/make_demo_data.py --robustness`): 15 corruptions x 5
# severities. mCE is normalised by the reference errors of
# reference_errors.json, chance level (7/8) for every corruption: AlexNet's
# errors have no meaning on these images.
#   mim test mmpretrain configs/demo/vit-mini-p4_1xb32-900it_shapes-objects-c.py --checkpoint work_dirs/demo_ft/iter_900.pth
_base_ = ['./vit-mini-p4_1xb32-900it_shapes-objects.py']

demo_imagenet_c = 'data/demo/imagenet-c'
test_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='ImageNetC',
        data_root=demo_imagenet_c,
        class_folders=_base_.demo_classes,
        metainfo=dict(classes=_base_.demo_classes),
        pipeline=_base_.test_pipeline[:-1] + [
            dict(
                type='PackInputs',
                meta_keys=('sample_idx', 'img_path', 'corruption', 'severity'))
        ]))
test_evaluator = dict(
    _delete_=True,
    type='MeanCorruptionError',
    reference=demo_imagenet_c + '/reference_errors.json')
custom_hooks = [dict(type='HeadCheckHook')]
