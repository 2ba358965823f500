# SegFormer-B0 (MiT-B0 backbone + SegformerHead) for 3 classes, from mmseg's base model.
# The ImageNet-pretrained MiT-B0 is fetched when the network allows; offline, training starts
# from scratch with one warning. Skip the attempt: --cfg-options model.backbone.init_cfg=None
_base_ = ['mmseg::_base_/models/segformer_mit-b0.py']

checkpoint = 'https://download.openmmlab.com/mmsegmentation/v0.5/pretrain/segformer/mit_b0_20220624-7e0fe6dd.pth'
model = dict(
    type='ComponentFilterEncoderDecoder',
    data_preprocessor=dict(size=(256, 256)),
    backbone=dict(init_cfg=dict(type='PretrainedOrScratch', checkpoint=checkpoint)),
    decode_head=dict(
        num_classes=3,
        loss_decode=dict(_delete_=True, type='WeightedCrossEntropyLoss', loss_weight=1.0),
    ),
    # Test-time filter (ComponentFilterEncoderDecoder): drop cat/dog blobs under N pixels,
    # e.g. --cfg-options model.test_cfg.min_component_area=64; 0 = off. Pick N on val with
    # `petseg postprocess-eval`.
    test_cfg=dict(mode='whole', min_component_area=0),
)
