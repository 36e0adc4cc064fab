# ImageNet-C with ImageNet's validation pipeline (resize the short edge to
# 256, centre crop 224) instead of the reference centre crop alone.
#   mim test mmpretrain configs/robustness/vit-base-p16_8xb128-coslr-100e_imagenet-c-resize256.py --checkpoint CKPT
_base_ = ['./vit-base-p16_8xb128-coslr-100e_imagenet-c.py']

test_dataloader = dict(
    dataset=dict(pipeline=[
        dict(type='LoadImageFromFile'),
        dict(
            type='ResizeEdge',
            scale=256,
            edge='short',
            backend='pillow',
            interpolation='bicubic'),
        dict(type='CenterCrop', crop_size=224),
        dict(
            type='PackInputs',
            meta_keys=('sample_idx', 'img_path', 'corruption', 'severity')),
    ]))
