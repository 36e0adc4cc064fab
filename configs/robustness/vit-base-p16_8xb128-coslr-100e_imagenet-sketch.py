# ImageNet-Sketch (paper Table 4): top-1 of the ImageNet fine-tuned
# ViT-B/16 on the 1000 classes, ImageNet's test pipeline.
#   mim test mmpretrain configs/robustness/vit-base-p16_8xb128-coslr-100e_imagenet-sketch.py --checkpoint CKPT
# Layout data/imagenet-sketch/sketch/<wnid>/*.JPEG (1000 wnid folders, read
# by mmpretrain's ImageNet dataset: sorted wnids are ImageNet's labels).
_base_ = ['../pixmim/benchmarks/vit-base-p16_8xb128-coslr-100e_in1k.py']

test_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='ImageNet',
        data_root='data/imagenet-sketch',
        data_prefix='sketch',
        pipeline=_base_.test_pipeline))
custom_hooks = [dict(type='HeadCheckHook')]
