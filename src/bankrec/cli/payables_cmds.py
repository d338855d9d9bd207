"""Vendor payment commands: suggest payments and export them as a pain.001 file."""

from __future__ import annotations

import click

COMMANDS: tuple[click.Command, ...] = ()
