# DeepLabV3+ with a dilated ResNet-50 (V1c) for 3 classes, from mmseg's base model.
# ImageNet-pretrained ResNet-50 V1c is fetched when the network allows; offline, training
# starts from scratch with one warning. Skip the attempt: --cfg-options model.backbone.init_cfg=None
_base_ = ['mmseg::_base_/models/deeplabv3plus_r50-d8.py']

model = dict(
    type='ComponentFilterEncoderDecoder',
    data_preprocessor=dict(size=(256, 256)),
    pretrained=None,
    backbone=dict(
        init_cfg=dict(type='PretrainedOrScratch', checkpoint='open-mmlab://resnet50_v1c')
    ),
    decode_head=dict(
        num_classes=3,
        loss_decode=dict(_delete_=True, type='WeightedCrossEntropyLoss', loss_weight=1.0),
    ),
    auxiliary_head=dict(
        num_classes=3,
        loss_decode=dict(_delete_=True, type='WeightedCrossEntropyLoss', loss_weight=0.4),
    ),
    # Test-time filter (ComponentFilterEncoderDecoder): drop cat/dog blobs under N pixels,
    # e.g. --cfg-options model.test_cfg.min_component_area=64; 0 = off. Pick N on val with
    # `petseg postprocess-eval`.
    test_cfg=dict(mode='whole', min_component_area=0),
)
