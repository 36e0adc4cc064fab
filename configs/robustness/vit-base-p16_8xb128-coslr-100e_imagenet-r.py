# ImageNet-R (paper Table 4): top-1 of the ImageNet fine-tuned ViT-B/16 on
# the 200 classes of the set, the argmax taken over the 200 matching columns
# of the 1000-way head (SubsetAccuracy). Resize 256 + centre crop 224.
#   mim test mmpretrain configs/robustness/vit-base-p16_8xb128-coslr-100e_imagenet-r.py --checkpoint CKPT
# Layout data/imagenet-r/<wnid>/*.(JPEG|jpg|png), 200 wnid folders.
_base_ = ['../pixmim/benchmarks/vit-base-p16_8xb128-coslr-100e_in1k.py']

test_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='ImageNetSubset',
        subset='imagenet-r',
        data_root='data/imagenet-r',
        pipeline=_base_.test_pipeline))
test_evaluator = dict(_delete_=True, type='SubsetAccuracy', topk=(1, 5))
custom_hooks = [dict(type='HeadCheckHook')]
