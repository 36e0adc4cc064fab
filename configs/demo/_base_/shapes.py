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
