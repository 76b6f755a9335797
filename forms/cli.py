"""Command-line commands of the forms stage."""

from __future__ import annotations

import click


def register(main: click.Group) -> None:
    """Add this stage's commands to the ``handbook`` group."""
