"""``PretrainedOrScratch``: MMEngine's ``Pretrained`` init, from scratch when a download fails.

Registered under its own name (MMEngine's ``Pretrained`` stays untouched for other configs);
petseg's model bases name it in ``backbone.init_cfg``.
"""

from __future__ import annotations

import logging

from mmengine.logging import print_log
from mmengine.model.weight_init import PretrainedInit
from mmengine.registry import WEIGHT_INITIALIZERS

from practicum_work.core.checkpoints import is_remote


def warn_from_scratch(checkpoint: str, module, err: OSError) -> None:
    """The one warning line of a remote checkpoint that could not be fetched."""
    reason = ' '.join(str(err).split())[:160]
    print_log(
        f'pretrained weights {checkpoint} could not be fetched ({reason}); '
        f'{type(module).__name__} trains from scratch. Skip this attempt with '
        '--cfg-options model.backbone.init_cfg=None',
        logger='current',
        level=logging.WARNING,
    )


@WEIGHT_INITIALIZERS.register_module(name='PretrainedOrScratch')
class PretrainedOrScratchInit(PretrainedInit):
    """mmengine's ``Pretrained`` init; a failed download of a *remote* checkpoint is one warning.

    Offline machines (or blocked networks) then train from scratch (default initialisation)
    instead of crashing. Local paths keep upstream behaviour: a missing file is an error.
    Skip the attempt with ``--cfg-options model.backbone.init_cfg=None``.
    """

    def __call__(self, module) -> None:
        """Load the checkpoint into ``module``; warn and continue if a remote fetch fails."""
        if not is_remote(self.checkpoint):
            return super().__call__(module)
        try:
            return super().__call__(module)
        except OSError as err:  # URLError, HTTPError, ConnectionError, socket errors
            warn_from_scratch(self.checkpoint, module, err)
