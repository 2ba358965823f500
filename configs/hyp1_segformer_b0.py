# Hypothesis 1: SegFormer-B0 with cross-entropy + Dice (Dice counters the ~90% background).
_base_ = [
    './_base_/models/segformer_mit-b0_pets.py',
    './_base_/datasets/pets.py',
    './_base_/default_runtime.py',
    './_base_/schedules/adamw_poly_4k.py',
]

model = dict(
    decode_head=dict(
        loss_decode=[
            dict(type='WeightedCrossEntropyLoss', loss_weight=1.0),
            dict(type='SoftmaxDiceLoss', loss_weight=1.0),
        ]
    )
)
