"""Where the shared corpus of real bank statement files is, for the importer tests."""

from __future__ import annotations

import importlib.util
import json
import os
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from bankrec.domain.statement import ParsedStatement

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data"


def corpus_dir() -> Path:
    """``$BANKREC_CORPUS``, else ``../shared/corpus`` beside the checkout; skips when absent."""
    configured = os.environ.get("BANKREC_CORPUS")
    path = Path(configured) if configured else REPO.parent / "shared" / "corpus"
    if not path.is_dir():
        pytest.skip(f"the statement corpus is not at {path}; set BANKREC_CORPUS to run these tests")
    return path


def expectations(fmt: str) -> dict[str, dict[str, Any]]:
    """The stored expectations for every corpus file of format ``fmt``."""
    data: dict[str, dict[str, Any]] = json.loads(
        (DATA / "corpus" / f"{fmt}.json").read_text(encoding="utf-8")
    )
    return data


def statement_summary(statement: ParsedStatement) -> dict[str, Any]:
    """What a corpus expectation records of one parsed statement."""
    return {
        "lines": len(statement.lines),
        "sum": sum((line.amount for line in statement.lines), Decimal(0)),
        "opening": statement.opening.amount if statement.opening else None,
        "closing": statement.closing.amount if statement.closing else None,
        "currency": statement.currency,
        "account": statement.account_iban or statement.account_no,
    }


def benchmark_generator(name: str) -> ModuleType:
    """A synthetic-statement generator from ``benchmarks/`` (not a package), loaded by path."""
    spec = importlib.util.spec_from_file_location(name, REPO / "benchmarks" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
