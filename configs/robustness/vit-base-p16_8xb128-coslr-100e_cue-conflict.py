# Shape bias (paper Fig. 8) on the cue-conflict stimuli: the 16-class
# decision is the argmax of the mean softmax over each category's ImageNet
# indices; shape bias = shape / (shape + texture) decisions, per category
# too, and the shape and texture accuracies. The 224 px stimuli are fed
# without resizing.
#   mim test mmpretrain configs/robustness/vit-base-p16_8xb128-coslr-100e_cue-conflict.py --checkpoint CKPT \
#       --cfg-options test_evaluator.csv_dir=work_dirs/shape_bias test_evaluator.model_name=pixmim
# (the CSV feeds tools/analysis/plot_shape_bias.py). Layout
# data/cue-conflict/<category>/<shape>N-<texture>M.png, 16 folders x 80.
_base_ = ['../pixmim/benchmarks/vit-base-p16_8xb128-coslr-100e_in1k.py']

test_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='CueConflict',
        data_root='data/cue-conflict',
        pipeline=[dict(type='LoadImageFromFile'),
                  dict(type='PackInputs')]))
test_evaluator = dict(_delete_=True, type='ShapeBias')
custom_hooks = [dict(type='HeadCheckHook')]
