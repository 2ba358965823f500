"""Segmentors registered in mmseg's MODELS registry."""

from practicum_work.mmseg_ext.segmentors.component_filter_encoder_decoder import (
    ComponentFilterEncoderDecoder,
)

__all__ = ['ComponentFilterEncoderDecoder']
