# The demo sets that `python tools/make_demo_data.py` writes. The demo
# configs inherit stock configs whose keys (`data_root`, `train_cfg`, ...)
# they change, and mmengine refuses a key that two bases set, so the values
# shared here carry a `demo_` prefix and a demo takes each one over by name:
# `train_cfg = _base_.demo_train_cfg`.
demo_classes = ('circle', 'ring', 'square', 'triangle', 'star', 'cross',
                'crescent', 'ellipse')
# mmpretrain's ImageNet layout ({train,val}/<class>/*.JPEG, labels in
# meta/{train,val}.txt), which its ImageNet dataset reads for a `split`
demo_imagenet = dict(
    data_root='data/demo/shapes/', metainfo=dict(classes=demo_classes))
# each shapes image cropped to its object (`shapes-objects`, same layout):
# what the demo linear probe and fine-tuning classify
demo_objects = dict(
    data_root='data/demo/shapes-objects/', metainfo=dict(classes=demo_classes))
# The encoder `make demo` pre-trains and the demo transfer configs take
# ("ViT-mini", the study's): 4 blocks, 128 wide, 2 heads of 64, 4x MLP,
# patch 4 at 32 px (8 x 8 tokens): a third of ViT-tiny's depth and two
# thirds of its width, so the demo transfer runs train to convergence in
# CPU minutes.
demo_img_size = 32
demo_patch_size = 4
demo_arch = dict(
    embed_dims=128, num_layers=4, num_heads=2, feedforward_channels=512)
# one seed for `make demo` and for each demo transfer run: the runs from
# the demo checkpoint and from a random-init encoder share head init, data
# order and crops
demo_randomness = dict(seed=0, diff_rank_seed=False)
