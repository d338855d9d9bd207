"""Use cases: issue draft reminders, and cancel drafts or issued reminders.

Issuing posts what the reminder terms say to post (interest, the additional fee, line fees) as
one ledger transaction per reminder, marks the reminder issued (which raises its entries'
reminder level) and writes the reminder documents. Cancelling an issued reminder reverses that
posting; its entries' level goes back to what the earlier reminders left.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from bankrec.db import reminders_repo
from bankrec.db.models import CollectionDocument
from bankrec.errors import InputError, NotFoundError, SetupError
from bankrec.services.collections.documents import write_documents
from bankrec.services.collections.posting import (
    cancel_collection_document,
    post_collection_document,
)
from bankrec.services.database import Database


@dataclass(frozen=True)
class IssuedReminder:
    no: str
    transaction_no: int | None
    files: tuple[str, ...]

    def as_json(self) -> dict[str, object]:
        return {"no": self.no, "transaction_no": self.transaction_no, "files": list(self.files)}


@dataclass(frozen=True)
class CanceledReminder:
    no: str
    transaction_no: int | None

    def as_json(self) -> dict[str, object]:
        return {"no": self.no, "transaction_no": self.transaction_no}


def issue_reminders(
    db: Database, nos: Sequence[str], all_drafts: bool, out_dir: Path, user: str
) -> list[IssuedReminder]:
    """Issue the named drafts (or every draft) in one unit of work, then write their files."""
    if bool(nos) == all_drafts:
        raise InputError("name the reminders to issue, or give --all (not both)")
    with db.transaction() as session:
        if all_drafts:
            docs = reminders_repo.reminders(session, ("draft",))
        else:
            docs = [_reminder(session, no) for no in dict.fromkeys(nos)]
        for doc in docs:
            _issue(session, doc, user)
        session.flush()
        return [
            IssuedReminder(
                doc.no,
                doc.issued_transaction_no,
                tuple(str(path) for path in write_documents(session, [doc], out_dir)),
            )
            for doc in docs
        ]


def cancel_reminders(db: Database, nos: Sequence[str], user: str) -> list[CanceledReminder]:
    """Cancel drafts and issued reminders; an issued one's posting is reversed."""
    if not nos:
        raise InputError("name at least one reminder to cancel")
    with db.transaction() as session:
        canceled: list[CanceledReminder] = []
        for no in dict.fromkeys(nos):
            doc = _reminder(session, no)
            if doc.status == "canceled":
                raise InputError(f"reminder {no} is already canceled")
            canceled.append(CanceledReminder(no, cancel_collection_document(session, doc, user)))
        return canceled


def _issue(session: Session, doc: CollectionDocument, user: str) -> None:
    if doc.status != "draft":
        raise InputError(f"reminder {doc.no} is {doc.status}; only a draft can be issued")
    terms = reminders_repo.reminder_terms(session, doc.terms_code)
    if terms is None:
        raise SetupError(
            f"cannot issue reminder {doc.no}: its reminder terms {doc.terms_code} no longer "
            "exist; load them again or cancel the reminder"
        )
    post_collection_document(
        session,
        doc,
        post_interest=terms.post_interest,
        post_fees=terms.post_additional_fee,
        post_line_fees=terms.post_line_fee,
        user=user,
    )
    doc.status = "issued"
    doc.issued_at = datetime.now(UTC)


def _reminder(session: Session, no: str) -> CollectionDocument:
    doc = reminders_repo.reminder_by_no(session, no, lock=True)
    if doc is None:
        raise NotFoundError(f"reminder {no} does not exist; see `bankrec reminder list`")
    return doc
