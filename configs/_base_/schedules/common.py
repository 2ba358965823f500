# Iteration-based loop, validation and checkpoints shared by every schedule.
# The best checkpoint is kept by val mDice; per-class metrics go to metrics_*.json.
max_iters = 4000
val_interval = 500
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters, val_interval=val_interval)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    # LoggerHook with interval=None: min(50, max_iters // 10), at least 1 (~10 lines per run);
    # set default_hooks.logger.interval to choose one.
    logger=dict(type='AutoIntervalLoggerHook', log_metric_by_epoch=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(
        type='CheckpointHook',
        by_epoch=False,
        interval=val_interval,
        max_keep_ckpts=2,
        save_best='mDice',
        rule='greater',
    ),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='SegVisualizationHook'),
)
