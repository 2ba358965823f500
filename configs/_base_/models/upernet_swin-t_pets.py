# UPerNet with a Swin-T backbone (+ FCN aux head on stage 3) for 3 classes, from mmseg's base
# model and its swin-tiny config. ConvNeXt-T in mmseg 1.2.2 is `mmpretrain.ConvNeXt`, which
# needs mmpretrain (not a petseg dependency): Swin-T is mmseg's own transformer of that size.
# The ImageNet-1k Swin-T is fetched when the network allows; offline, training starts from
# scratch with one warning (SwinTransformerOrScratch: upstream's Swin loads its checkpoint
# itself and would crash). Skip the attempt: --cfg-options model.backbone.init_cfg=None
_base_ = ['mmseg::_base_/models/upernet_swin.py']

checkpoint = 'https://download.openmmlab.com/mmsegmentation/v0.5/pretrain/swin/swin_tiny_patch4_window7_224_20220317-1cdeb081.pth'
model = dict(
    type='ComponentFilterEncoderDecoder',
    data_preprocessor=dict(size=(256, 256)),
    backbone=dict(
        type='SwinTransformerOrScratch',
        init_cfg=dict(type='PretrainedOrScratch', checkpoint=checkpoint),
    ),
    decode_head=dict(
        num_classes=3,
        loss_decode=dict(_delete_=True, type='WeightedCrossEntropyLoss', loss_weight=1.0),
    ),
    auxiliary_head=dict(
        num_classes=3,
        loss_decode=dict(_delete_=True, type='WeightedCrossEntropyLoss', loss_weight=0.4),
    ),
    # Test-time filter (ComponentFilterEncoderDecoder), as in the other model bases.
    test_cfg=dict(mode='whole', min_component_area=0),
)
