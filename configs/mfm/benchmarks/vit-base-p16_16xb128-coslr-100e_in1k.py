# Fine-tuning an MFM ViT-B/16 on ImageNet-1k, 100 epochs (official recipe):
# MAE's fine-tuning config with the MFM encoder, base lr 2e-3 per 512 images,
# layer decay 0.8. Set the pre-trained checkpoint with
#   --cfg-options model.backbone.init_cfg.checkpoint=PATH
_base_ = [
    'mmpretrain::mae/benchmarks/vit-base-p16_8xb128-coslr-100e_in1k.py',
    '../../_base_/pixmim_plugin.py',
]

# Mean-pooled features with a LayerNorm (ln2) before the classifier; the
# pre-training's final norm (ln1) is not used, as in the official code.
model = dict(
    backbone=dict(
        type='BEiTViT',
        use_abs_pos_emb=True,
        use_rel_pos_bias=False,
        layer_scale_init_value=0.,
        init_cfg=dict(type='Pretrained', checkpoint='', prefix='backbone.')))

train_dataloader = dict(
    batch_size=128,
    # see configs/pixmim/mae_vit-base-p16_8xb512-amp-coslr-800e_in1k.py
    collate_fn=dict(_delete_=True, type='default_collate'))

optim_wrapper = dict(
    optimizer=dict(lr=2e-3 * 2048 / 512, fused=True),
    paramwise_cfg=dict(
        layer_decay_rate=0.8,
        custom_keys={
            '.q_bias': dict(decay_mult=0.),
            '.v_bias': dict(decay_mult=0.)
        }))
auto_scale_lr = dict(base_batch_size=2048)
