# Fine-tuning the demo ViT-mini on the texture-labelled variant of the demo
# set (`python tools/make_demo_data.py --robustness`): label k is the
# texture class k owns, drawn on a random shape, so the model can only learn
# texture. Its shape bias on the demo cue-conflict set is the texture-biased
# end that the shape-labelled fine-tuning is compared with; everything but
# the data is vit-mini-p4_1xb32-900it_shapes-objects.py.
#   mim train mmpretrain configs/demo/vit-mini-p4_1xb32-900it_shapes-texture.py \
#       --cfg-options model.backbone.init_cfg.checkpoint=work_dirs/demo_pixmim/vit-mini_mmpretrain.pth
_base_ = ['./vit-mini-p4_1xb32-900it_shapes-objects.py']

train_dataloader = dict(dataset=dict(data_root='data/demo/shapes-texture/'))
val_dataloader = dict(dataset=dict(data_root='data/demo/shapes-texture/'))
test_dataloader = val_dataloader
