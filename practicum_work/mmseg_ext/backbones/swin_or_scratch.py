"""SwinTransformerOrScratch: mmseg's Swin whose failed remote checkpoint fetch is a warning.

Upstream ``SwinTransformer.init_weights`` loads ``init_cfg.checkpoint`` itself (through
``CheckpointLoader``), bypassing the ``Pretrained`` initialiser, so offline the download error
(``URLError``) ends the run before training starts.
"""

from __future__ import annotations

from mmseg.models.backbones import SwinTransformer
from mmseg.registry import MODELS

from practicum_work.core.checkpoints import is_remote
from practicum_work.mmseg_ext.weight_init.pretrained_or_scratch import warn_from_scratch


@MODELS.register_module()
class SwinTransformerOrScratch(SwinTransformer):
    """``SwinTransformer``; a remote checkpoint that cannot be fetched means from scratch.

    The same rule as petseg's ``Pretrained`` initialiser: one warning, then upstream's
    from-scratch initialisation. Local paths keep upstream behaviour (a missing file fails).
    Skip the attempt with ``--cfg-options model.backbone.init_cfg=None``.
    """

    def init_weights(self) -> None:
        """Upstream's initialisation; a failed remote fetch falls back to from scratch."""
        checkpoint = str((self.init_cfg or {}).get('checkpoint', ''))
        if not is_remote(checkpoint):
            return super().init_weights()
        try:
            return super().init_weights()
        except OSError as err:  # URLError, HTTPError, ConnectionError, socket errors
            warn_from_scratch(checkpoint, self, err)
            init_cfg, self.init_cfg = self.init_cfg, None
            try:
                super().init_weights()
            finally:
                self.init_cfg = init_cfg
