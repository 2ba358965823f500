# petseg runtime: mmseg's defaults + petseg's extensions (dataset, losses, metric, hooks).
_base_ = ['mmseg::_base_/default_runtime.py']

custom_imports = dict(imports=['practicum_work.mmseg_ext'], allow_failed_imports=False)
randomness = dict(seed=0)
# dist_cfg.backend 'auto': NCCL when CUDA is available, else Gloo (a CPU-only machine);
# name one to choose it: --cfg-options env_cfg.dist_cfg.backend=gloo (practicum_work.mmseg_ext
# .distributed). Used only by distributed runs (tools/dist_train.sh, --launcher pytorch|slurm).
env_cfg = dict(
    cudnn_benchmark=True,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='auto'),
)
custom_hooks = [
    dict(type='MetricsJsonHook'),
    # A fixed set of val images as image | ground truth | prediction at every validation.
    dict(type='SamplePredictionsHook', num_samples=4),
    # Best checkpoint -> ClearML model (online) or its path (offline); test metrics table.
    dict(type='ClearMLResultsHook'),
    # The measured s/iter of train iteration 2 and the time left; a warning on a CPU when far
    # too slow (>= 2 s/iter or >= 1 h left), naming the GPU and the CPU recipe.
    dict(type='SpeedCheckHook'),
]
# Experiment tracking (README "Tracking (ClearML)"). mode: auto = online when a ClearML server
# is configured (clearml.conf or CLEARML_API_* variables), else offline (session zip, imported
# later with `petseg clearml-import`); `auto` defers to the PETSEG_CLEARML environment variable;
# one run: --cfg-options clearml.mode=online|offline|off.
clearml = dict(
    mode='auto',
    project='petseg',
    tags=[],
    output_uri=None,  # None: register the local checkpoint path; True or a URI: upload it
    register_last_checkpoint=False,
)
vis_backends = [dict(type='LocalVisBackend'), dict(type='PetsegClearMLVisBackend')]
visualizer = dict(type='SegLocalVisualizer', vis_backends=vis_backends, name='visualizer')
log_processor = dict(by_epoch=False)
log_level = 'INFO'
load_from = None
resume = False
