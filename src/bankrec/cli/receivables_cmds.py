"""Receivables commands: payment registration, cash receipts, applying posted entries."""

from __future__ import annotations

import click

COMMANDS: tuple[click.Command, ...] = ()
