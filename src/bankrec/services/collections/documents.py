"""Write issued reminders and memos as ``<no>.md`` and ``<no>.pdf`` files."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.orm import Session

from bankrec.db.models_collections import CollectionDocument
from bankrec.errors import InputError
from bankrec.services.collections.rendering import render_markdown, render_pdf
from bankrec.services.collections.views import document_views


def _write_atomically(path: Path, content: bytes) -> None:
    """Write to a temporary file beside ``path``, then rename: never a half-written file."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_documents(
    session: Session, docs: Sequence[CollectionDocument], out_dir: Path
) -> list[Path]:
    """One Markdown and one PDF file per document in ``out_dir`` (created if missing)."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(
            f"cannot create the output directory {out_dir}: {exc.strerror}; choose another "
            "with --output"
        ) from exc
    written: list[Path] = []
    for view in document_views(session, docs):
        markdown = out_dir / f"{view.no}.md"
        pdf = out_dir / f"{view.no}.pdf"
        _write_atomically(markdown, render_markdown(view).encode("utf-8"))
        _write_atomically(pdf, render_pdf(view))
        written += [markdown, pdf]
    return written
