# PixMIM's low-frequency target and Simple Resized Crop on SimMIM Swin-B
# (192 px), 800 epochs; not a configuration of the paper. r = 40 is meant for
# 224 px, so it scales with the input (r = 40 * 192 / 224 = 34.3 bins); the
# crop keeps SimMIM's 192 px and its mask generator follows it.
_base_ = './simmim_swin-base-w6_16xb128-amp-coslr-800e_in1k-192px.py'

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(
        type='SimpleResizedCrop',
        scale=192,
        padding=4,
        interpolation='bilinear',
        backend='torch'),
    dict(type='RandomFlip', prob=0.5),
    dict(
        type='SimMIMMaskGenerator',
        input_size=192,
        mask_patch_size=32,
        model_patch_size=4,
        mask_ratio=0.6),
    dict(type='PackInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))

model = dict(
    type='PixMIMSimMIM',
    target_generator=dict(
        type='LowFreqTargetGenerator', radius=40, ref_size=224, img_size=192))
