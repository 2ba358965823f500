"""Weight initialisers registered in mmengine's WEIGHT_INITIALIZERS registry."""

from practicum_work.mmseg_ext.weight_init.pretrained_or_scratch import PretrainedOrScratchInit

__all__ = ['PretrainedOrScratchInit']
