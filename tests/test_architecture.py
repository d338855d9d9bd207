"""Guards on the shape of the code: layer boundaries, schema in step with migrations, help."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bankrec.db import migrate
from bankrec.db.schema import SCHEMA_HEAD
from bankrec.services.database import Database

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "bankrec"
PURE_LAYERS = ("domain", "importers", "matching")
FORBIDDEN_IN_PURE = ("sqlalchemy", "alembic", "click", "rich", "psycopg")
# Who may import whom, inside bankrec. cli reaches the database only through services.
ALLOWED = {
    "domain": {"domain", "errors"},
    "importers": {"domain", "importers", "errors"},
    "matching": {"domain", "matching", "errors"},
    "db": {"db", "domain", "errors"},
    "services": {"services", "db", "domain", "importers", "matching", "errors", "config"},
    "reporting": {"reporting", "services", "domain", "errors"},
    "cli": {"cli", "services", "reporting", "domain", "errors", "config", "__version__"},
}


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            if node.module == "bankrec":
                names.extend(f"bankrec.{alias.name}" for alias in node.names)
    return names


def _modules(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).rglob("*.py"))


@pytest.mark.parametrize("layer", PURE_LAYERS)
def test_pure_layers_import_no_framework(layer: str) -> None:
    offenders = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in _modules(layer)
        for name in _imports(path)
        if name.split(".")[0] in FORBIDDEN_IN_PURE
    ]
    assert offenders == []


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_layers_import_only_what_they_may(layer: str) -> None:
    offenders = []
    for path in _modules(layer):
        for name in _imports(path):
            parts = name.split(".")
            if parts[0] == "bankrec" and len(parts) > 1 and parts[1] not in ALLOWED[layer]:
                offenders.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert offenders == []


def test_import_guard_catches_a_violation(tmp_path: Path) -> None:
    """The walker itself must see an offending import, or the guards above prove nothing."""
    sample = tmp_path / "sample.py"
    sample.write_text("import sqlalchemy\nfrom rich.table import Table\nfrom bankrec import db\n")
    assert _imports(sample) == ["sqlalchemy", "rich.table", "bankrec", "bankrec.db"]


def test_schema_head_constant_matches_migrations() -> None:
    assert migrate.head_revision() == SCHEMA_HEAD


def test_models_and_migrations_do_not_drift(db: Database) -> None:
    with db.engine.connect() as connection:
        assert migrate.schema_drift(connection) == []


def test_drift_check_notices_a_column_the_migrations_lack(db: Database) -> None:
    """Adding a column to the database only (as a model change without a migration would look
    from the other side) must show up as drift."""
    with db.engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE gl_account ADD COLUMN stray_column INTEGER")
    with db.engine.connect() as connection:
        drift = migrate.schema_drift(connection)
    assert any("stray_column" in line for line in drift)
