# Hypothesis 8: a stronger transformer backbone, UPerNet with Swin-T (ImageNet-1k), hyp1's
# CE + Dice on the main head (aux FCN head CE x0.4), mmseg's Swin schedule. The reference
# project named ConvNeXt and Swin as next steps; ConvNeXt needs mmpretrain in mmseg 1.2.2.
# ~60 M parameters: train it on a GPU (docs/experiments.md: GPU recipe).
_base_ = [
    './_base_/models/upernet_swin-t_pets.py',
    './_base_/datasets/pets.py',
    './_base_/default_runtime.py',
    './_base_/schedules/adamw_poly_4k_swin.py',
]

model = dict(
    decode_head=dict(
        loss_decode=[
            dict(type='WeightedCrossEntropyLoss', loss_weight=1.0),
            dict(type='SoftmaxDiceLoss', loss_weight=1.0),
        ]
    )
)
