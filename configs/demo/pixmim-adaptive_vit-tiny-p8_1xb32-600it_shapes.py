# PixMIM with a trainable bandwidth (paper App., Table 21) on the embedded
# shapes demo set: the PixMIM demo with AdaptiveLowFreqTargetGenerator,
# r = 20 + 40 * sigmoid(theta) in [20, 60] at 224 px, from 40, scaled to the
# 64 px input ([5.7, 17.1] bins, from 11.4); smooth edge of temperature 1
# bin. The radius is logged as `radius` (its current value, at 224 px).
_base_ = './pixmim_vit-tiny-p8_1xb32-600it_shapes.py'

model = dict(
    target_generator=dict(
        _delete_=True,
        type='AdaptiveLowFreqTargetGenerator',
        init_radius=40.,
        min_radius=20.,
        max_radius=60.,
        temperature=1.,
        ref_size=224))

# theta is one scalar: Adam moves it by at most about lr per step whatever
# the size of its gradient, and this schedule's learning rates sum to 0.30
# (r from 40 to 37.0 at most); lr_mult=10 (r down to 21.9 at most) lets the
# demo show where the loss pushes r.
# No weight decay: it would pull theta to 0 (r = 40).
optim_wrapper = dict(
    paramwise_cfg=dict(
        custom_keys={
            'target_generator.theta': dict(lr_mult=10., decay_mult=0.)
        }))
log_processor = dict(
    custom_cfg=[dict(data_src='radius', method_name='mean', window_size=1)])
