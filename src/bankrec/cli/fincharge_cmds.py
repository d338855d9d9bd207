"""Finance charge memo commands: create, issue, cancel and list memos."""

from __future__ import annotations

import click

COMMANDS: tuple[click.Command, ...] = ()
