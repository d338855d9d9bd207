"""Start-up stays light: the command tree imports no database, UI or parser library.

``bankrec --help`` and typos must answer at once, so heavy libraries are imported inside the
commands that need them. Timing itself is measured by hand; these tests guard the imports.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("sqlalchemy", "rich", "alembic", "psycopg", "ofxparse", "lxml")


def python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.parametrize(
    "statement",
    [
        pytest.param("import bankrec.cli.main", id="import"),
        pytest.param(
            "from click.testing import CliRunner; from bankrec.cli.main import cli; "
            "assert CliRunner().invoke(cli, ['--help']).exit_code == 0",
            id="help",
        ),
    ],
)
def test_cli_imports_no_heavy_library(statement: str) -> None:
    code = (
        "import json, sys\n"
        f"{statement}\n"
        f"heavy = {HEAVY!r}\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & set(heavy))))\n"
    )
    result = python(code)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


def test_python_m_bankrec_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bankrec", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Usage: ")
    for command in ("init", "journal", "trial-balance"):
        assert command in result.stdout
