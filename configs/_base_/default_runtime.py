# petseg runtime: mmseg's defaults + petseg's extensions (dataset, losses, metric, hooks).
_base_ = ['mmseg::_base_/default_runtime.py']

custom_imports = dict(imports=['practicum_work.mmseg_ext'], allow_failed_imports=False)
randomness = dict(seed=0)
env_cfg = dict(
    cudnn_benchmark=True,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'),
)
custom_hooks = [dict(type='MetricsJsonHook')]
vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(type='SegLocalVisualizer', vis_backends=vis_backends, name='visualizer')
log_processor = dict(by_epoch=False)
log_level = 'INFO'
load_from = None
resume = False
