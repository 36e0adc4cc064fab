# ImageNet-C (paper Table 4): the ImageNet fine-tuned ViT-B/16 of
# ../pixmim/benchmarks/ on all 15 corruptions x 5 severities (75 folders of
# 50k images) in one run; mean corruption error (mCE, AlexNet-normalised,
# lower is better), CE per corruption, error per severity and the
# unnormalised mean error. Progress: the logger's line every 100 batches.
#   mim test mmpretrain configs/robustness/vit-base-p16_8xb128-coslr-100e_imagenet-c.py --checkpoint CKPT
# Layout data/imagenet-c/<corruption>/<severity>/<wnid>/*.JPEG (a group
# folder above <corruption> is accepted). The images are 224 x 224: centre
# crop 224 without resizing, the reference protocol (the ResizeEdge-256
# variant: the config of the same name with -resize256).
_base_ = ['../pixmim/benchmarks/vit-base-p16_8xb128-coslr-100e_in1k.py']

imagenet_c_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='CenterCrop', crop_size=224),
    dict(
        type='PackInputs',
        meta_keys=('sample_idx', 'img_path', 'corruption', 'severity')),
]
test_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='ImageNetC',
        data_root='data/imagenet-c',
        pipeline=imagenet_c_pipeline))
test_evaluator = dict(_delete_=True, type='MeanCorruptionError')
# a checkpoint without a 1000-way head is refused before the run
custom_hooks = [dict(type='HeadCheckHook')]
