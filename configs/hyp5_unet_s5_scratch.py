# Hypothesis 5: a small U-Net trained from scratch (reference: a from-scratch U-Net of at most
# 2.5 M parameters, BCE + Dice). mmseg's UNet at a quarter of its width (base_channels 16:
# 16-256 channels, 1.82 M parameters with both heads) with hyp1's CE + Dice; mmseg's UNet
# recipe (SGD 0.01, poly). No pretrained weights exist for it: from scratch by design.
_base_ = [
    './_base_/models/fcn_unet_s5-d16_pets.py',
    './_base_/datasets/pets.py',
    './_base_/default_runtime.py',
    './_base_/schedules/sgd_poly_4k.py',
]

base_channels = 16
model = dict(
    backbone=dict(base_channels=base_channels),
    decode_head=dict(
        in_channels=base_channels,
        channels=base_channels,
        loss_decode=[
            dict(type='WeightedCrossEntropyLoss', loss_weight=1.0),
            dict(type='SoftmaxDiceLoss', loss_weight=1.0),
        ],
    ),
    auxiliary_head=dict(in_channels=2 * base_channels, channels=base_channels),
)
