"""Reminder commands: create, issue, cancel and list reminders."""

from __future__ import annotations

import click

COMMANDS: tuple[click.Command, ...] = ()
