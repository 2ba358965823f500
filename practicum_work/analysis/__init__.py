"""Analysis of trained models: per-image metrics, best/worst panels, post-processing, comparison.

Plain functions returning dataclasses; the ``petseg`` subcommands ``best-worst``,
``postprocess-eval`` and ``compare`` call them.
"""
