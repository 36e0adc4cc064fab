# Shape bias of a demo fine-tuned ViT-tiny on the demo cue-conflict set
# (`python tools/make_demo_data.py --robustness`): the shape of one demo
# class filled with the texture another class owns, 64 px, fed without
# resizing; each class is one output of the 8-way head.
#   mim test mmpretrain configs/demo/vit-tiny-p8_1xb32-300it_shapes-cue-conflict.py --checkpoint work_dirs/demo_ft/iter_300.pth
_base_ = ['./vit-tiny-p8_1xb32-300it_shapes.py']

test_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='CueConflict',
        data_root='data/demo/cue-conflict',
        metainfo=dict(classes=_base_.demo_classes),
        pipeline=[dict(type='LoadImageFromFile'),
                  dict(type='PackInputs')]))
test_evaluator = dict(
    _delete_=True,
    type='ShapeBias',
    category_indices={
        c: [i]
        for i, c in enumerate(_base_.demo_classes)
    })
custom_hooks = [dict(type='HeadCheckHook')]
