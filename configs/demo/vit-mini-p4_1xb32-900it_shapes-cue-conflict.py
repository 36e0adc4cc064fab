# Shape bias of a demo fine-tuned ViT-mini on the demo cue-conflict set
# (`python tools/make_demo_data.py --robustness`): the shape of one demo
# class filled with the texture another class owns, 64 px images resized to
# the encoder's 32 px like the object crops it was fine-tuned on; each class
# is one output of the 8-way head.
#   mim test mmpretrain configs/demo/vit-mini-p4_1xb32-900it_shapes-cue-conflict.py --checkpoint work_dirs/demo_ft/iter_900.pth
_base_ = ['./vit-mini-p4_1xb32-900it_shapes-objects.py']

test_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='CueConflict',
        data_root='data/demo/cue-conflict',
        metainfo=dict(classes=_base_.demo_classes),
        pipeline=_base_.test_pipeline))
test_evaluator = dict(
    _delete_=True,
    type='ShapeBias',
    category_indices={
        c: [i]
        for i, c in enumerate(_base_.demo_classes)
    })
custom_hooks = [dict(type='HeadCheckHook')]
