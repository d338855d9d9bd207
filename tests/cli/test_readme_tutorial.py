"""The README tutorial's commands still print what the README shows for them.

The commands run as ``python -m bankrec`` on a fresh SQLite database, through
``scripts/readme_tutorial.py`` (not a package, so it is loaded by path).
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from tests.repo_scripts import REPO, load_script

README = REPO / "README.md"


def tutorial_script() -> ModuleType:
    return load_script("scripts", "readme_tutorial")


def stale_report(tutorial: ModuleType, steps: list[object], workdir: Path) -> str:
    diffs = [tutorial.diff(step, workdir) for step in tutorial.stale_steps(steps, workdir)]
    return (
        "the README tutorial shows output that the commands no longer write:\n\n"
        + "\n\n".join(diffs)
        + "\n\nIf the new output is right, run `python scripts/readme_tutorial.py --write`."
    )


def test_the_readme_tutorial_shows_what_its_commands_write(tmp_path: Path) -> None:
    tutorial = tutorial_script()
    steps = tutorial.run_tutorial(README, tmp_path)
    assert steps, "README.md has no tutorial commands between <!-- tutorial --> markers"
    stale = tutorial.stale_steps(steps, tmp_path)
    assert stale == [], stale_report(tutorial, steps, tmp_path)


def test_a_stale_output_is_reported(tmp_path: Path) -> None:
    tutorial = tutorial_script()
    readme = tmp_path / "README.md"
    readme.write_text(
        "# x\n\n<!-- tutorial -->\n```console\n"
        "$ bankrec init --currency EUR\n"
        '$ bankrec statement list --json\n{\n  "statements": ["not there"]\n}\n'
        "$ bankrec statement show 999\n"
        "```\n<!-- /tutorial -->\n",
        encoding="utf-8",
    )
    workdir = tmp_path / "work"
    workdir.mkdir()
    steps = tutorial.run_tutorial(readme, workdir)
    stale = tutorial.stale_steps(steps, workdir)
    commands = [step.command for step in stale]
    assert "bankrec statement list --json" in commands
    assert "bankrec statement show 999" in commands  # it fails, and no [exit 1] line says so
    listing = stale[commands.index("bankrec statement list --json")]
    report = tutorial.diff(listing, workdir)
    assert '-  "statements": ["not there"]' in report
    assert "+" in report
    assert steps[0].actual_exit == 0
    assert "<db>" in "\n".join(tutorial.shown(steps[0].actual, 0, workdir))
