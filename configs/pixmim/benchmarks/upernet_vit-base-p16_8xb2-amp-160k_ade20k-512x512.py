# UperNet on ADE20K (512x512 crops, 160k iterations, 8 GPUs x 2 images) for
# a ViT-B/16 pre-trained with PixMIM, MAE or MFM, with the PixMIM paper's
# recipe (Table 12): AdamW lr 2e-4, weight decay 0.05, layer decay 0.75 (the
# stock mmseg MAE config says 0.65; the paper's value is used), 1500 warmup
# iterations then cosine, drop path 0.1, relative position bias on and
# initialised to zero (mmseg's MAE backbone does that), LayerScale 1.0.
# Convert the pre-training checkpoint first, then pass it:
#   python tools/convert_checkpoint.py CKPT vit-b_mmseg.pth --to mmseg --trust
#   mim train mmseg THIS_CONFIG --cfg-options \
#       model.backbone.init_cfg.checkpoint=vit-b_mmseg.pth
_base_ = [
    'mmseg::mae/mae-base_upernet_8xb2-amp-160k_ade20k-512x512.py',
    '../../_base_/pixmim_plugin.py',
]

model = dict(
    pretrained=None,
    backbone=dict(
        drop_path_rate=0.1, init_cfg=dict(type='Pretrained', checkpoint='')))

# (the stock `fp16=` key is read by nothing under mmengine; AMP is here)
optim_wrapper = dict(
    _delete_=True,
    # bfloat16 where the GPU has it, else float16 with loss scaling
    type='mmpretrain.AutoAmpOptimWrapper',
    loss_scale='dynamic',
    optimizer=dict(
        type='AdamW',
        lr=2e-4,
        betas=(0.9, 0.999),
        weight_decay=0.05,
        fused=True),
    constructor='LayerDecayOptimizerConstructor',
    paramwise_cfg=dict(num_layers=12, layer_decay_rate=0.75))
param_scheduler = [
    dict(
        type='LinearLR', start_factor=1e-6, by_epoch=False, begin=0, end=1500),
    dict(
        type='CosineAnnealingLR',
        T_max=160000 - 1500,
        eta_min=0.,
        by_epoch=False,
        begin=1500,
        end=160000)
]

# the lr above is for 8 GPUs x 2 images; on another total batch add
# --cfg-options auto_scale_lr.enable=True
auto_scale_lr = dict(enable=False, base_batch_size=16)
