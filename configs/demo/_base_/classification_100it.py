# The 100-iteration CPU schedule of the linear-probing and fine-tuning demos
# (see shapes.py for the `demo_` names).
_base_ = './shapes.py'

demo_max_iters = 100
demo_param_scheduler = [
    dict(type='LinearLR', start_factor=1e-4, by_epoch=False, begin=0, end=10),
    dict(
        type='CosineAnnealingLR',
        T_max=demo_max_iters - 10,
        by_epoch=False,
        begin=10,
        end=demo_max_iters)
]
demo_train_cfg = dict(
    _delete_=True,  # replaces the benchmark's epoch loop
    type='IterBasedTrainLoop',
    max_iters=demo_max_iters,
    val_interval=demo_max_iters)
demo_default_hooks = dict(
    logger=dict(type='LoggerHook', interval=10),
    checkpoint=dict(
        type='CheckpointHook', by_epoch=False, interval=demo_max_iters))
demo_log_processor = dict(by_epoch=False)
demo_env_cfg = dict(dist_cfg=dict(backend='gloo'))
