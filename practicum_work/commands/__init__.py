"""Subcommands of ``petseg``: each module has ``register(subparsers)`` and light imports."""
