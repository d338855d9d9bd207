"""Where the shared corpus of real bank statement files is, for the importer tests."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

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
