"""The README's command reference keeps up with the CLI: every command is mentioned there."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import click

from bankrec.cli.main import cli

README = Path(__file__).resolve().parents[2] / "README.md"


def command_paths(
    command: click.Command, prefix: tuple[str, ...] = ()
) -> Iterator[tuple[str, ...]]:
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from command_paths(sub, (*prefix, name))
    else:
        yield prefix


def mentioned(path: tuple[str, ...], lines: list[str]) -> bool:
    """A README line names every word of the command (``gl | customer add | list`` counts)."""
    words = [re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])") for word in path]
    return any(all(w.search(line) for w in words) and "`" in line for line in lines)


def test_every_command_is_in_the_readme() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    missing = [" ".join(p) for p in command_paths(cli) if not mentioned(p, lines)]
    assert missing == [], f"commands missing from README.md: {missing}"


def test_a_command_the_readme_does_not_name_is_reported() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert mentioned(("pay", "review"), lines)
    assert not mentioned(("pay", "frobnicate"), lines)
