# Hypothesis 4: a stronger CNN, DeepLabV3+ with a dilated ResNet-50, same CE + Dice loss as
# hyp1 (auxiliary FCN head on stage 3 with CE x0.4), SGD poly schedule.
# ~6 s per batch of 4 at 256 px on a 2-core CPU: train it on a GPU (README: GPU recipe).
_base_ = [
    './_base_/models/deeplabv3plus_r50-d8_pets.py',
    './_base_/datasets/pets.py',
    './_base_/default_runtime.py',
    './_base_/schedules/sgd_poly_4k.py',
]

model = dict(
    decode_head=dict(
        loss_decode=[
            dict(type='WeightedCrossEntropyLoss', loss_weight=1.0),
            dict(type='SoftmaxDiceLoss', loss_weight=1.0),
        ]
    )
)
