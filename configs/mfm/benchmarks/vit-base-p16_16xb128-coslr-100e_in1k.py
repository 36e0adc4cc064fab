# Fine-tuning an MFM ViT-B/16 on ImageNet-1k, 100 epochs (official recipe):
# MAE's fine-tuning config with the MFM encoder, base lr 2e-3 per 512 images,
# layer decay 0.8. Set the pre-trained checkpoint with
#   --cfg-options model.backbone.init_cfg.checkpoint=PATH
_base_ = 'mmpretrain::mae/benchmarks/vit-base-p16_8xb128-coslr-100e_in1k.py'

custom_imports = dict(imports=['pixmim_plugin'], allow_failed_imports=False)
# mmengine 0.10 on torch >= 2.6: auto-resume and CPU (gloo) jobs under the
# pytorch launcher; see pixmim_plugin/engine/runner.py
runner_type = 'CompatRunner'

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
    # see configs/mae_vit-b.py
    collate_fn=dict(_delete_=True, type='default_collate'))

optim_wrapper = dict(
    optimizer=dict(lr=2e-3 * 2048 / 512),
    paramwise_cfg=dict(
        layer_decay_rate=0.8,
        custom_keys={
            '.q_bias': dict(decay_mult=0.),
            '.v_bias': dict(decay_mult=0.)
        }))
auto_scale_lr = dict(base_batch_size=2048)
