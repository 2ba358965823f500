# U-Net (UNet backbone, 5 stages, output stride 1 + FCN head, FCN aux head on the 1/2 decoder
# stage) for 3 classes, from mmseg's base model; upstream width (base_channels 64, ~29 M
# parameters) and no pretrained weights (mmseg has none for its UNet).
# The UNet needs sides divisible by 16: training pads crops to 256 (data_preprocessor.size),
# testing pads each image to a multiple of 16 (test_cfg.size_divisor) and the prediction is
# cropped back, so any image size works.
_base_ = ['mmseg::_base_/models/fcn_unet_s5-d16.py']

model = dict(
    type='ComponentFilterEncoderDecoder',
    data_preprocessor=dict(size=(256, 256), test_cfg=dict(size_divisor=16)),
    pretrained=None,
    backbone=dict(init_cfg=None),
    decode_head=dict(
        num_classes=3,
        loss_decode=dict(_delete_=True, type='WeightedCrossEntropyLoss', loss_weight=1.0),
    ),
    auxiliary_head=dict(
        num_classes=3,
        loss_decode=dict(_delete_=True, type='WeightedCrossEntropyLoss', loss_weight=0.4),
    ),
    # Upstream slides 256 px windows; the padded whole image is the same at petseg's 256 px.
    # Test-time filter (ComponentFilterEncoderDecoder), as in the other model bases.
    test_cfg=dict(_delete_=True, mode='whole', min_component_area=0),
)
