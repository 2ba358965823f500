# Hypothesis 9: binary pet vs background with SegFormer-B0 and hyp1's CE + Dice (reference:
# the trimap border ignored, mIoU ~0.97 pretrained, ~0.70 from scratch). Cat and dog are
# merged in the pipeline (pets_binary.py); the same data as hyp1, masks unchanged on disk.
# Two softmax channels (not mmseg's suggested single sigmoid channel), so CE, softmax Dice,
# the metric and the tools work as for 3 classes; mmseg's warning about it is expected.
_base_ = [
    './_base_/models/segformer_mit-b0_pets.py',
    './_base_/datasets/pets_binary.py',
    './_base_/default_runtime.py',
    './_base_/schedules/adamw_poly_4k.py',
]

model = dict(
    decode_head=dict(
        num_classes=_base_.num_classes,  # 2
        loss_decode=[
            dict(type='WeightedCrossEntropyLoss', loss_weight=1.0),
            dict(type='SoftmaxDiceLoss', loss_weight=1.0),
        ],
    )
)
