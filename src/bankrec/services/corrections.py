"""Use cases that correct history by appending: reverse a transaction, unapply an application."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bankrec.db import ledger_repo
from bankrec.db.ledgers import CUSTOMERS, VENDORS, PartyLedger
from bankrec.db.models import (
    Application,
    BankEntryStatus,
    BankLedgerEntry,
    GLEntry,
    GLRegister,
    Reversal,
)
from bankrec.db.models_collections import CollectionDocument
from bankrec.db.models_ledger import PartyEntryMixin
from bankrec.db.setup_repo import LedgerSetup
from bankrec.domain.kinds import DetailedEntryType, StatementStatus, TransactionSource
from bankrec.errors import ApplicationError, NotFoundError, ReversalError
from bankrec.services.database import Database
from bankrec.services.posting.applications import unapply_application
from bankrec.services.posting.writer import DocumentInfo, PartyAmounts, TransactionWriter


@dataclass(frozen=True)
class CorrectionResult:
    transaction_no: int
    corrected: int
    """The transaction reversed, or the application unapplied."""
    entries: dict[str, int]
    applications_undone: list[int]


def reverse_transaction(db: Database, transaction_no: int, user: str) -> CorrectionResult:
    """Post the mirror of every entry of a journal transaction and mark both as reversed."""
    with db.transaction() as session:
        return reverse_in(session, transaction_no, user)


def reverse_in(
    session: Session, transaction_no: int, user: str, *, collection_document: bool = False
) -> CorrectionResult:
    """``reverse_transaction`` inside the caller's transaction. ``collection_document``: the
    caller is cancelling the reminder or memo that posted it (which is otherwise refused)."""
    register = session.get(GLRegister, transaction_no)
    if register is None:
        raise NotFoundError(f"transaction {transaction_no} does not exist")
    _check_reversible(session, register)
    if not collection_document:
        _check_not_collection_document(session, transaction_no)
    setup = LedgerSetup(session)
    writer = TransactionWriter(
        session,
        setup,
        TransactionSource.REVERSAL,
        user,
        f"reversal of transaction {transaction_no}",
    )
    undone: list[int] = []
    for ledger in (CUSTOMERS, VENDORS):
        undone += _unapply_own_applications(session, writer, ledger, transaction_no)
    _mirror_gl(session, writer, transaction_no)
    _mirror_bank(session, writer, transaction_no)
    for ledger in (CUSTOMERS, VENDORS):
        _mirror_party_entries(session, writer, ledger, transaction_no)
    session.add(
        Reversal(transaction_no=transaction_no, reversed_by_transaction_no=writer.transaction_no)
    )
    session.flush()
    return CorrectionResult(
        writer.transaction_no, transaction_no, dict(sorted(writer.counts.items())), undone
    )


def _check_reversible(session: Session, register: GLRegister) -> None:
    no = register.transaction_no
    if register.source != TransactionSource.JOURNAL.value:
        raise ReversalError(
            f"transaction {no} is a {register.source} posting; only journal postings reverse"
            + (
                " (use `bankrec unapply` to undo an application)"
                if register.source == "application"
                else ""
            )
        )
    existing = ledger_repo.reversal_of(session, no)
    if existing is not None:
        raise ReversalError(
            f"transaction {no} was already reversed by transaction "
            f"{existing.reversed_by_transaction_no}"
        )
    reconciled = session.scalars(
        select(BankLedgerEntry.entry_no)
        .join(BankEntryStatus, BankEntryStatus.entry_no == BankLedgerEntry.entry_no)
        .where(BankLedgerEntry.transaction_no == no)
        .order_by(BankEntryStatus.id.desc())
    ).first()
    if reconciled is None:
        return
    status = _bank_status(session, reconciled)
    if status == StatementStatus.APPLIED:
        raise ReversalError(
            f"bank entry {reconciled} of transaction {no} is matched in an open bank "
            "reconciliation; unmatch it there first (`bankrec rec unmatch`)"
        )
    if status == StatementStatus.CLOSED:
        raise ReversalError(
            f"bank entry {reconciled} of transaction {no} is reconciled on a posted statement; "
            "undo that statement first (`bankrec rec undo`)"
        )


def _check_not_collection_document(session: Session, transaction_no: int) -> None:
    """An issued reminder or memo is undone by cancelling it, which also marks it canceled."""
    doc = session.scalars(
        select(CollectionDocument).where(
            CollectionDocument.issued_transaction_no == transaction_no,
            CollectionDocument.status == "issued",
        )
    ).first()
    if doc is None:
        return
    if doc.kind == "reminder":
        name, command = "reminder", "reminder"
    else:
        name, command = "finance charge memo", "fincharge"
    raise ReversalError(
        f"transaction {transaction_no} posted {name} {doc.no}; cancel it with "
        f"`bankrec {command} cancel {doc.no}`"
    )


def _bank_status(session: Session, entry_no: int) -> StatementStatus:
    latest = session.scalars(
        select(BankEntryStatus.status)
        .where(BankEntryStatus.entry_no == entry_no)
        .order_by(BankEntryStatus.id.desc())
    ).first()
    return StatementStatus(latest) if latest else StatementStatus.OPEN


def _party_entries(
    session: Session, ledger: PartyLedger, transaction_no: int
) -> list[PartyEntryMixin]:
    return list(
        session.scalars(
            select(ledger.entry)
            .where(ledger.entry.transaction_no == transaction_no)
            .order_by(ledger.entry.entry_no)
        )
    )


def _unapply_own_applications(
    session: Session, writer: TransactionWriter, ledger: PartyLedger, transaction_no: int
) -> list[int]:
    """Undo, newest first, the applications this transaction made; refuse if a later one exists."""
    own_entries = [e.entry_no for e in _party_entries(session, ledger, transaction_no)]
    own_apps = list(
        session.scalars(
            select(Application).where(
                Application.transaction_no == transaction_no,
                Application.ledger == ledger.kind.value,
            )
        )
    )
    touched = set(own_entries)
    for app in own_apps:
        touched |= ledger_repo.application_entry_nos(session, ledger, app)
    own_ids = {a.id for a in own_apps}
    for app in ledger_repo.live_applications(session, ledger, sorted(touched)):
        # Earlier applications of the entries this posting applied to stay as they are.
        if app.id not in own_ids and app.transaction_no > transaction_no:
            raise ReversalError(
                f"{ledger.kind} entry {app.applying_entry_no} was applied in transaction "
                f"{app.transaction_no} after this posting; run `bankrec unapply "
                f"{app.applying_entry_no} --ledger {ledger.kind}` first"
            )
    live_ids = {a.id for a in ledger_repo.live_applications(session, ledger, sorted(touched))}
    undone = []
    for app in sorted(own_apps, key=lambda a: a.id, reverse=True):
        if app.id in live_ids:
            unapply_application(writer, ledger, app)
            undone.append(app.id)
    return undone


def _reversal_doc(entry: GLEntry | BankLedgerEntry | PartyEntryMixin, on: date) -> DocumentInfo:
    return DocumentInfo(
        posting_date=on,
        document_no=entry.document_no,
        document_type=entry.document_type,
        external_document_no=entry.external_document_no,
        description=f"Reversal: {entry.description}".strip()[:250],
    )


def _mirror_gl(session: Session, writer: TransactionWriter, transaction_no: int) -> None:
    """Mirror the G/L of the original postings; bank and party G/L come with their entries below,
    and application G/L was already negated by the unapplications."""
    rows = session.scalars(
        select(GLEntry)
        .where(
            GLEntry.transaction_no == transaction_no,
            GLEntry.application_id.is_(None),
            GLEntry.source_type.is_(None),
        )
        .order_by(GLEntry.entry_no)
    )
    for gl in rows:
        writer.gl(
            gl.gl_account_no,
            _reversal_doc(gl, gl.posting_date),
            -gl.amount_minor,
            currency=gl.currency_code,
            source_amount=None if gl.source_amount_minor is None else -gl.source_amount_minor,
        )


def _mirror_bank(session: Session, writer: TransactionWriter, transaction_no: int) -> None:
    rows = session.scalars(
        select(BankLedgerEntry)
        .where(BankLedgerEntry.transaction_no == transaction_no)
        .order_by(BankLedgerEntry.entry_no)
    )
    for entry in rows:
        bank = writer.setup.bank(entry.bank_no)
        assert bank is not None
        balancing = (
            (entry.bal_account_type, entry.bal_account_no)
            if entry.bal_account_type and entry.bal_account_no
            else None
        )
        writer.bank_entry(
            bank,
            _reversal_doc(entry, entry.posting_date),
            -entry.amount_minor,
            -entry.amount_lcy_minor,
            balancing=balancing,
            check_no=entry.check_no,
            reversed_entry_no=entry.entry_no,
        )


def _mirror_party_entries(
    session: Session, writer: TransactionWriter, ledger: PartyLedger, transaction_no: int
) -> None:
    """Each original entry gets a mirror entry, and the two are applied to each other."""
    for entry in _party_entries(session, ledger, transaction_no):
        mirror = writer.party_entry(
            ledger,
            entry.party_no,
            _reversal_doc(entry, entry.posting_date),
            PartyAmounts(
                currency=entry.currency_code,
                amount=-entry.amount_minor,
                amount_lcy=-entry.amount_lcy_minor,
            ),
            reversed_entry_no=entry.entry_no,
        )
        writer.flush()
        app = Application(
            ledger=ledger.kind.value,
            applying_entry_no=mirror.entry_no,
            posting_date=entry.posting_date,
            transaction_no=writer.transaction_no,
        )
        session.add(app)
        session.flush()
        for entry_no, amount, lcy in (
            (entry.entry_no, -entry.amount_minor, -entry.amount_lcy_minor),
            (mirror.entry_no, entry.amount_minor, entry.amount_lcy_minor),
        ):
            writer.detailed(
                ledger,
                entry_no,
                DetailedEntryType.APPLICATION,
                entry.posting_date,
                amount,
                lcy,
                app.id,
            )


def unapply_entry(
    db: Database, entry_no: int, user: str, ledger_kind: str | None = None, on: date | None = None
) -> CorrectionResult:
    """Undo the latest live application of a customer or vendor entry."""
    with db.transaction() as session:
        ledger, app = _latest_application(session, entry_no, ledger_kind)
        _check_unappliable(session, ledger, app, entry_no)
        setup = LedgerSetup(session)
        writer = TransactionWriter(
            session,
            setup,
            TransactionSource.UNAPPLY,
            user,
            f"unapply application {app.id} of {ledger.kind} entry {entry_no}",
            posting_date=on,
        )
        unapply_application(writer, ledger, app)
        return CorrectionResult(
            writer.transaction_no, app.id, dict(sorted(writer.counts.items())), [app.id]
        )


def _latest_application(
    session: Session, entry_no: int, ledger_kind: str | None
) -> tuple[PartyLedger, Application]:
    ledgers = [lg for lg in (CUSTOMERS, VENDORS) if ledger_kind in (None, lg.kind.value)]
    found: list[tuple[PartyLedger, Application]] = []
    exists = False
    for ledger in ledgers:
        if session.get(ledger.entry, entry_no) is None:
            continue
        exists = True
        live = ledger_repo.live_applications(session, ledger, [entry_no])
        if live:
            found.append((ledger, live[-1]))
    if not exists:
        where = f"{ledger_kind} " if ledger_kind else "customer or vendor "
        raise NotFoundError(f"{where}entry {entry_no} does not exist")
    if not found:
        raise ApplicationError(f"entry {entry_no} has no application to undo")
    if len(found) > 1:
        raise ApplicationError(
            f"customer entry {entry_no} and vendor entry {entry_no} both have applications; "
            "choose one with --ledger customer or --ledger vendor"
        )
    return found[0]


def _check_unappliable(
    session: Session, ledger: PartyLedger, app: Application, entry_no: int
) -> None:
    register = session.get(GLRegister, app.transaction_no)
    if register is not None and register.source == TransactionSource.REVERSAL.value:
        raise ApplicationError(
            f"{ledger.kind} entry {entry_no} was closed by the reversal in transaction "
            f"{app.transaction_no}; a reversal cannot be unapplied"
        )
    involved = ledger_repo.application_entry_nos(session, ledger, app)
    for later in ledger_repo.live_applications(session, ledger, sorted(involved)):
        if later.id > app.id:
            raise ApplicationError(
                f"{ledger.kind} entry {later.applying_entry_no} was applied again later "
                f"(transaction {later.transaction_no}); unapply that first with "
                f"`bankrec unapply {later.applying_entry_no} --ledger {ledger.kind}`"
            )
