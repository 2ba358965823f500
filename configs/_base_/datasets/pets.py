# Cats and dogs (PetSegDataset): <data_root>/img/{train,val,test}/*.jpg|png and
# <data_root>/labels/{train,val,test}/*.png, paired by stem; 0 background, 1 cat, 2 dog,
# 255 ignore. Make demo data with `petseg demo-data --out data/pets_demo`.
# Another dataset: `--cfg-options data_root=PATH` (tools/train.py and tools/test.py apply it
# to all three dataloaders).
# The pipeline order is part of the documented CPU recipe (README): index 4 of
# train_pipeline is RandomCrop.
dataset_type = 'PetSegDataset'
data_root = 'data/pets_demo'
crop_size = (256, 256)
num_classes = 3
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='IgnoreUnknownLabels', num_classes=num_classes),
    dict(type='RandomResize', scale=(256, 256), ratio_range=(0.5, 2.0), keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size, cat_max_ratio=0.75),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PhotoMetricDistortion'),
    dict(type='PackSegInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(256, 256), keep_ratio=True),
    # Annotations load after Resize: metrics are computed at the original size.
    dict(type='LoadAnnotations'),
    dict(type='IgnoreUnknownLabels', num_classes=num_classes),
    dict(type='PackSegInputs'),
]
train_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_prefix=dict(img_path='img/train', seg_map_path='labels/train'),
        pipeline=train_pipeline,
    ),
)
val_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_prefix=dict(img_path='img/val', seg_map_path='labels/val'),
        pipeline=test_pipeline,
    ),
)
test_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_prefix=dict(img_path='img/test', seg_map_path='labels/test'),
        pipeline=test_pipeline,
    ),
)
# mIoU, mDice, aAcc, mFscore and per-class values (written to metrics_<split>_*.json).
val_evaluator = dict(type='PerClassIoUMetric', iou_metrics=['mIoU', 'mDice', 'mFscore'])
test_evaluator = val_evaluator
