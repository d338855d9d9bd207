"""Run the README tutorial's commands and compare their output with the output shown there.

The tutorial is the part of README.md between the lines ``<!-- tutorial -->`` and
``<!-- /tutorial -->``. In it, every fenced ``console`` block holds commands (lines starting
with ``$ ``), each followed by its expected output up to the next command or the end of the
block. A last output line ``[exit N]`` states a non-zero exit status.

Only ``bankrec ...`` commands run, as ``python -m bankrec``, against a fresh SQLite database;
``cat FILE`` prints a file. Commands run in a fresh working directory in which ``examples``
links to the repository's, so files the tutorial writes (documents, payment files) never land
in the checkout.

    python scripts/readme_tutorial.py            # print a diff of every stale output, exit 1
    python scripts/readme_tutorial.py --write    # rewrite the outputs in README.md in place
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
START_MARKER = "<!-- tutorial -->"
END_MARKER = "<!-- /tutorial -->"
OPEN_FENCE = "```console"
CLOSE_FENCE = "```"
PROMPT = "$ "
EXIT_LINE = re.compile(r"\[exit (\d+)\]")
DATABASE_FILE = "tutorial.db"
USER = "bookkeeper"
"""Postings record the OS user; a fixed name keeps the outputs the same on every machine."""
NOW = re.compile(r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?")
"""Timestamps (``2026-11-22T09:14:03Z``, ``...+00:00``): when a run happened, not what it did."""


@dataclass(frozen=True)
class Command:
    """One ``$ `` line of a console block and what the README shows for it."""

    text: str
    expected: str
    expected_exit: int
    line_no: int
    """The index of the ``$ `` line in the README's lines."""
    output_end: int
    """The index one past the last output line (the ``[exit N]`` line included)."""


@dataclass(frozen=True)
class Step:
    """A command as run: what the README shows and what the command wrote."""

    command: str
    expected: str
    actual: str
    expected_exit: int
    actual_exit: int


def tutorial_region(lines: list[str]) -> range:
    """The indices of the lines between the two markers."""
    try:
        start = lines.index(START_MARKER)
        end = lines.index(END_MARKER, start)
    except ValueError:
        raise ValueError(f"README has no {START_MARKER} ... {END_MARKER} region") from None
    return range(start + 1, end)


def console_blocks(lines: list[str]) -> Iterator[range]:
    """The body of every ``console`` block in the tutorial region, as indices of lines."""
    region = tutorial_region(lines)
    index = region.start
    while index < region.stop:
        if lines[index].strip() != OPEN_FENCE:
            index += 1
            continue
        close = index + 1
        while close < region.stop and lines[close].strip() != CLOSE_FENCE:
            close += 1
        if close == region.stop:
            raise ValueError(f"README line {index + 1}: console block is not closed")
        yield range(index + 1, close)
        index = close + 1


def split_exit(output: list[str]) -> tuple[list[str], int]:
    """Output lines without trailing blank lines, and the exit status of an ``[exit N]`` line."""
    trimmed = trim_blank(output)
    if trimmed and (match := EXIT_LINE.fullmatch(trimmed[-1].strip())):
        return trim_blank(trimmed[:-1]), int(match.group(1))
    return trimmed, 0


def trim_blank(lines: list[str]) -> list[str]:
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    return lines[:end]


def block_commands(lines: list[str], block: range) -> Iterator[Command]:
    starts = [i for i in block if lines[i].startswith(PROMPT)]
    for position, start in enumerate(starts):
        stop = starts[position + 1] if position + 1 < len(starts) else block.stop
        chunk = lines[start + 1 : stop]
        output, code = split_exit(chunk)
        end = start + 1 + len(trim_blank(chunk))
        text = lines[start][len(PROMPT) :]
        yield Command(text, "\n".join(output), code, start, end)


def parse(readme_text: str) -> list[Command]:
    """Every command of the tutorial, in order."""
    lines = readme_text.splitlines()
    return [c for block in console_blocks(lines) for c in block_commands(lines, block)]


def environment(workdir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        BANKREC_DATABASE_URL=database_url(workdir),
        COLUMNS="100",
        NO_COLOR="1",
        TERM="dumb",
        USER=USER,
        LOGNAME=USER,
        LNAME=USER,
        USERNAME=USER,
    )
    env.pop("FORCE_COLOR", None)
    return env


def database_url(workdir: Path) -> str:
    return f"sqlite:///{workdir.resolve()}/{DATABASE_FILE}"


def run_command(text: str, env: dict[str, str], workdir: Path) -> tuple[str, int]:
    """Run one tutorial command in ``workdir``: its merged output and exit status."""
    argv = shlex.split(text, comments=True)
    if argv[:1] == ["cat"] and len(argv) == 2:
        return (workdir / argv[1]).read_text(encoding="utf-8"), 0
    if argv[:1] != ["bankrec"]:
        raise ValueError(f"tutorial commands run bankrec or cat FILE only: {text!r}")
    result = subprocess.run(
        [sys.executable, "-m", "bankrec", *argv[1:]],
        cwd=workdir,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        check=False,
    )
    return result.stdout, result.returncode


def run_commands(commands: list[Command], workdir: Path) -> list[Step]:
    env = environment(workdir)
    examples = workdir / "examples"
    if not examples.exists():
        examples.symlink_to(ROOT / "examples", target_is_directory=True)
    steps = []
    for command in commands:
        actual, code = run_command(command.text, env, workdir)
        steps.append(Step(command.text, command.expected, actual, command.expected_exit, code))
    return steps


def run_tutorial(readme: Path, workdir: Path) -> list[Step]:
    """Run every tutorial command of README ``readme`` in order, on a new database in workdir."""
    return run_commands(parse(readme.read_text(encoding="utf-8")), workdir)


def normalise(text: str, workdir: Path) -> str:
    """What may differ between machines and runs replaced by placeholders; no trailing blanks."""
    text = text.replace(database_url(workdir), "<db>")
    text = text.replace(str(workdir.resolve()), "<workdir>")
    text = NOW.sub("<now>", text)
    return "\n".join(trim_blank([line.rstrip() for line in text.splitlines()]))


def shown(output: str, code: int, workdir: Path) -> list[str]:
    """The lines the README shows for an output and exit status."""
    lines = normalise(output, workdir).splitlines()
    return [*lines, f"[exit {code}]"] if code else lines


def is_stale(step: Step, workdir: Path) -> bool:
    expected = shown(step.expected, step.expected_exit, workdir)
    return expected != shown(step.actual, step.actual_exit, workdir)


def stale_steps(steps: list[Step], workdir: Path) -> list[Step]:
    return [step for step in steps if is_stale(step, workdir)]


def diff(step: Step, workdir: Path) -> str:
    """A unified diff from the output the README shows to the output the command wrote."""
    lines = difflib.unified_diff(
        shown(step.expected, step.expected_exit, workdir),
        shown(step.actual, step.actual_exit, workdir),
        fromfile=f"README.md: $ {step.command}",
        tofile="actual",
        lineterm="",
    )
    return "\n".join(lines)


def rewrite(readme_text: str, steps: list[Step], workdir: Path) -> str:
    """README text with each command's output replaced by its actual output."""
    lines = readme_text.splitlines()
    commands = parse(readme_text)
    if [c.text for c in commands] != [s.command for s in steps]:
        raise ValueError("the README's commands changed since the run")
    for command, step in reversed(list(zip(commands, steps, strict=True))):
        new = shown(step.actual, step.actual_exit, workdir)
        lines[command.line_no + 1 : command.output_end] = new
    ending = "\n" if readme_text.endswith("\n") else ""
    return "\n".join(lines) + ending


def check(steps: list[Step], workdir: Path) -> int:
    stale = stale_steps(steps, workdir)
    for step in stale:
        sys.stdout.write(diff(step, workdir) + "\n\n")
    if stale:
        sys.stdout.write(
            f"{len(stale)} of {len(steps)} tutorial output(s) are stale; check the new output "
            "and run `python scripts/readme_tutorial.py --write`\n"
        )
    return 1 if stale else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--write", action="store_true", help="rewrite the outputs in README.md")
    parser.add_argument("--readme", type=Path, default=README, help="default: %(default)s")
    args = parser.parse_args(argv)
    readme: Path = args.readme
    with tempfile.TemporaryDirectory(prefix="bankrec-tutorial-") as folder:
        workdir = Path(folder)
        steps = run_tutorial(readme, workdir)
        if not args.write:
            return check(steps, workdir)
        text = readme.read_text(encoding="utf-8")
        readme.write_text(rewrite(text, steps, workdir), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
