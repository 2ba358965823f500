# Hypothesis 7: DeepLabV3+ R50 (as hyp4) with softmax focal loss (gamma 2) + Dice, a next
# step the reference project named: focal down-weights the many easy background pixels.
# SoftmaxFocalLoss is petseg's (pure PyTorch, 255 masked out); mmseg's FocalLoss is sigmoid
# and needs compiled mmcv ops on CUDA. Per-class alpha: model.decode_head.loss_decode.0.alpha.
_base_ = ['./hyp4_deeplabv3p_r50.py']

model = dict(
    decode_head=dict(
        loss_decode=[
            dict(type='SoftmaxFocalLoss', gamma=2.0, alpha=None, loss_weight=1.0),
            dict(type='SoftmaxDiceLoss', loss_weight=1.0),
        ]
    )
)
