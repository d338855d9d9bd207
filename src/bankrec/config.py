"""Settings: where the database is. No I/O happens at import."""

from __future__ import annotations

import os
from pathlib import Path

DATABASE_ENV = "BANKREC_DATABASE_URL"


def default_database_path() -> Path:
    """The per-user SQLite file used when neither ``--db`` nor the environment names one.

    Linux: ``~/.local/share/bankrec/bankrec.db`` (or under ``$XDG_DATA_HOME``); macOS:
    ``~/Library/Application Support/bankrec/bankrec.db``; Windows: ``%LOCALAPPDATA%\\bankrec``.
    """
    from platformdirs import user_data_path

    return user_data_path("bankrec", appauthor=False) / "bankrec.db"


def resolve_database_url(option: str | None) -> str:
    """``--db`` wins, then ``BANKREC_DATABASE_URL``, then the default SQLite file."""
    if option:
        return option
    from_env = os.environ.get(DATABASE_ENV, "").strip()
    if from_env:
        return from_env
    return f"sqlite:///{default_database_path()}"
