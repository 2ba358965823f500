# DeepLabV3+ recipe (mmseg's schedule_20k, shortened): SGD momentum 0.9, poly decay.
_base_ = ['./common.py']

optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=0.0005),
    clip_grad=None,
)
param_scheduler = [
    dict(type='PolyLR', eta_min=1e-4, power=0.9, begin=0, end=4000, by_epoch=False),
]
