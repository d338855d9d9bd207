"""Checks: bank entries posted with a check number (journal CSV column ``check_no``), listed with
their reconciliation state, and voided.

A void (BC "Financial void", 4.12) posts the mirror of the check's bank entry and of its
counter-entries (the other entries of its document in its transaction) on the void date, and
closes both bank entries without a statement, so neither stays outstanding. A check the bank
has already paid (closed on a posted statement) cannot be voided, and one matched on an open
reconciliation must be unmatched first.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bankrec.db import ledger_repo, rec_repo
from bankrec.db.ledgers import CUSTOMERS, VENDORS, PartyLedger
from bankrec.db.models import (
    Application,
    BankAccount,
    BankLedgerEntry,
    Currency,
    GLEntry,
    Reversal,
)
from bankrec.db.models_ledger import PartyEntryMixin
from bankrec.db.rec_repo import EntryRow
from bankrec.db.setup_repo import LedgerSetup
from bankrec.domain.kinds import DetailedEntryType, TransactionSource
from bankrec.domain.money import format_minor
from bankrec.errors import (
    ApplicationError,
    CheckError,
    InputError,
    NotFoundError,
    UnbalancedError,
)
from bankrec.services.database import Database
from bankrec.services.posting.writer import DocumentInfo, PartyAmounts, TransactionWriter


def _voids(session: Session, entry_nos: list[int]) -> dict[int, BankLedgerEntry]:
    """The mirror entry that voided (or reversed) each given entry, if any."""
    found: dict[int, BankLedgerEntry] = {}
    for part in ledger_repo.chunks(sorted(entry_nos)):
        rows = session.scalars(
            select(BankLedgerEntry).where(BankLedgerEntry.reversed_entry_no.in_(part))
        )
        found.update({int(m.reversed_entry_no or 0): m for m in rows})
    return found


def _state(row: EntryRow, void: BankLedgerEntry | None) -> str:
    if void is not None or row.reversed:
        return "voided"
    return row.status


def list_checks(
    db: Database, bank_no: str | None = None, open_only: bool = False
) -> list[dict[str, Any]]:
    """Checks by posting date: open (outstanding), applied (matched on an open reconciliation),
    closed (paid, on a statement) or voided. ``open_only`` keeps the open and applied ones."""
    with db.reading() as session:
        if bank_no is not None and session.get(BankAccount, bank_no) is None:
            raise NotFoundError(f"bank account {bank_no} does not exist; see `bankrec bank list`")
        decimals = dict(session.execute(select(Currency.code, Currency.decimals)).all())
        rows = [
            r
            for r in rec_repo.bank_entries(session, bank_no, checks_only=True)
            if r.entry.reversed_entry_no is None
        ]
        voids = _voids(session, [r.entry.entry_no for r in rows])
        result = []
        for row in rows:
            entry = row.entry
            void = voids.get(entry.entry_no)
            state = _state(row, void)
            if open_only and state not in ("open", "applied"):
                continue
            result.append(
                {
                    "entry_no": entry.entry_no,
                    "bank": entry.bank_no,
                    "check_no": entry.check_no,
                    "posting_date": entry.posting_date.isoformat(),
                    "document_no": entry.document_no,
                    "description": entry.description,
                    "payee": " ".join(
                        p for p in (entry.bal_account_type, entry.bal_account_no) if p
                    ),
                    "amount": format_minor(entry.amount_minor, decimals[entry.currency_code]),
                    "currency": entry.currency_code,
                    "status": state,
                    "statement_no": row.statement_no if state != "voided" else None,
                    "void_entry_no": void.entry_no if void is not None else None,
                    "void_date": void.posting_date.isoformat() if void is not None else None,
                }
            )
        return result


def _check_voidable(session: Session, row: EntryRow) -> None:
    entry = row.entry
    name = f"check {entry.check_no} (bank entry {entry.entry_no})"
    if entry.reversed_entry_no is not None:
        raise CheckError(
            f"bank entry {entry.entry_no} is itself the void of bank entry "
            f"{entry.reversed_entry_no}"
        )
    by = rec_repo.reversed_or_voided(session, entry)
    if by is not None:
        raise CheckError(f"{name} was already voided or reversed by transaction {by}")
    if row.status == "closed":
        if row.statement_no is not None:
            raise CheckError(
                f"{name} is closed on statement {row.statement_no} of bank {entry.bank_no}: the "
                "bank has paid it, so it cannot be voided; undo that statement first "
                f"(`bankrec rec undo --bank {entry.bank_no} --statement-no {row.statement_no}`)"
            )
        raise CheckError(f"{name} is closed; it cannot be voided")
    if row.status == "applied":
        where = rec_repo.matched_in(session, [entry.entry_no]).get(entry.entry_no)
        if where is not None:
            raise CheckError(
                f"{name} is matched on bank reconciliation {where.rec_id} (statement "
                f"{where.statement_no}, line {', '.join(map(str, where.line_nos))}); unmatch it "
                f"first (`bankrec rec unmatch {where.rec_id} --line {where.line_nos[0]}`)"
            )


def _doc(entry: GLEntry | BankLedgerEntry | PartyEntryMixin, on: date) -> DocumentInfo:
    return DocumentInfo(
        posting_date=on,
        document_no=entry.document_no,
        document_type=entry.document_type,
        external_document_no=entry.external_document_no,
        description=f"Void: {entry.description}".strip()[:250],
    )


def _party_entries(
    session: Session, ledger: PartyLedger, entry: BankLedgerEntry
) -> list[PartyEntryMixin]:
    return list(
        session.scalars(
            select(ledger.entry)
            .where(
                ledger.entry.transaction_no == entry.transaction_no,
                ledger.entry.document_no == entry.document_no,
            )
            .order_by(ledger.entry.entry_no)
        )
    )


def _mirror_party(
    writer: TransactionWriter, ledger: PartyLedger, original: PartyEntryMixin, on: date
) -> None:
    """The mirror of a payment entry, applied to it so that both are closed."""
    session = writer.session
    live = ledger_repo.live_applications(session, ledger, [original.entry_no])
    if live:
        raise ApplicationError(
            f"{ledger.kind} entry {original.entry_no} ({original.document_no}), the check's "
            f"payment, is applied; run `bankrec unapply {original.entry_no} --ledger "
            f"{ledger.kind}` first, then void the check"
        )
    mirror = writer.party_entry(
        ledger,
        original.party_no,
        _doc(original, on),
        PartyAmounts(
            currency=original.currency_code,
            amount=-original.amount_minor,
            amount_lcy=-original.amount_lcy_minor,
        ),
        reversed_entry_no=original.entry_no,
    )
    writer.flush()
    application = Application(
        ledger=ledger.kind.value,
        applying_entry_no=mirror.entry_no,
        posting_date=on,
        transaction_no=writer.transaction_no,
    )
    session.add(application)
    session.flush()
    for entry_no, amount, lcy in (
        (original.entry_no, -original.amount_minor, -original.amount_lcy_minor),
        (mirror.entry_no, original.amount_minor, original.amount_lcy_minor),
    ):
        writer.detailed(
            ledger, entry_no, DetailedEntryType.APPLICATION, on, amount, lcy, application.id
        )


def _counter_gl(session: Session, entry: BankLedgerEntry) -> list[GLEntry]:
    """The G/L of the check's document posted directly (not through a bank or party entry, not
    by an application)."""
    return list(
        session.scalars(
            select(GLEntry)
            .where(
                GLEntry.transaction_no == entry.transaction_no,
                GLEntry.document_no == entry.document_no,
                GLEntry.source_type.is_(None),
                GLEntry.application_id.is_(None),
            )
            .order_by(GLEntry.entry_no)
        )
    )


def _whole_transaction(session: Session, entry: BankLedgerEntry) -> bool:
    """Whether the check's document is all its transaction posted."""
    others = session.scalar(
        select(GLEntry.entry_no)
        .where(
            GLEntry.transaction_no == entry.transaction_no,
            GLEntry.document_no != entry.document_no,
        )
        .limit(1)
    )
    return others is None


def _voidable_check(session: Session, entry_no: int, on: date | None) -> tuple[EntryRow, date]:
    """The check, locked, and the void date; refused with the reason when it cannot be voided."""
    row = rec_repo.entries_by_no(session, [entry_no], lock=True).get(entry_no)
    if row is None:
        raise NotFoundError(f"bank entry {entry_no} does not exist; see `bankrec check list`")
    entry = row.entry
    if not entry.check_no:
        raise CheckError(
            f"bank entry {entry_no} has no check number, so it is not a check; reverse its "
            f"transaction instead (`bankrec reverse {entry.transaction_no}`)"
        )
    _check_voidable(session, row)
    day = on or entry.posting_date
    if day < entry.posting_date:
        raise InputError(f"--date {day} is before the check's posting date {entry.posting_date}")
    document = session.scalars(
        select(BankLedgerEntry.entry_no).where(
            BankLedgerEntry.transaction_no == entry.transaction_no,
            BankLedgerEntry.document_no == entry.document_no,
        )
    ).all()
    if len(document) > 1:
        raise CheckError(
            f"document {entry.document_no} of transaction {entry.transaction_no} posts "
            f"{len(document)} bank entries; reverse the whole transaction instead "
            f"(`bankrec reverse {entry.transaction_no}`)"
        )
    return row, day


def _post_void(writer: TransactionWriter, entry: BankLedgerEntry, day: date) -> BankLedgerEntry:
    """The mirror of the check's document: its direct G/L, its bank entry, its party entries."""
    session = writer.session
    for gl in _counter_gl(session, entry):
        writer.gl(
            gl.gl_account_no,
            _doc(gl, day),
            -gl.amount_minor,
            currency=gl.currency_code,
            source_amount=None if gl.source_amount_minor is None else -gl.source_amount_minor,
        )
    bank = writer.setup.bank(entry.bank_no)
    assert bank is not None
    balancing = (
        (entry.bal_account_type, entry.bal_account_no)
        if entry.bal_account_type and entry.bal_account_no
        else None
    )
    void = writer.bank_entry(
        bank,
        _doc(entry, day),
        -entry.amount_minor,
        -entry.amount_lcy_minor,
        balancing=balancing,
        check_no=entry.check_no,
        reversed_entry_no=entry.entry_no,
    )
    for ledger in (CUSTOMERS, VENDORS):
        for original in _party_entries(session, ledger, entry):
            _mirror_party(writer, ledger, original, day)
    writer.flush()
    if writer.lcy_total() != 0:
        raise UnbalancedError(
            f"the document {entry.document_no} of check {entry.check_no} does not balance on its "
            f"own in transaction {entry.transaction_no}; reverse the whole transaction instead "
            f"(`bankrec reverse {entry.transaction_no}`)"
        )
    return void


def void_check(
    db: Database, entry_no: int, on: date | None = None, user: str = "unknown"
) -> dict[str, Any]:
    """Void the check of bank entry ``entry_no`` on ``on`` (default: the check's date).

    Returns ``{"entry_no", "check_no", "bank", "amount", "date", "transaction_no",
    "void_entry_no", "entries"}``."""
    with db.transaction() as session:
        row, day = _voidable_check(session, entry_no, on)
        entry = row.entry
        setup = LedgerSetup(session)
        writer = TransactionWriter(
            session,
            setup,
            TransactionSource.REVERSAL,
            user,
            f"void of check {entry.check_no} (bank entry {entry.entry_no})",
            posting_date=day,
        )
        void = _post_void(writer, entry, day)
        if _whole_transaction(session, entry):
            session.add(
                Reversal(
                    transaction_no=entry.transaction_no,
                    reversed_by_transaction_no=writer.transaction_no,
                )
            )
        for closed in (entry.entry_no, void.entry_no):
            rec_repo.append_status(session, closed, "closed", None, None, day)
        session.flush()
        return {
            "entry_no": entry.entry_no,
            "check_no": entry.check_no,
            "bank": entry.bank_no,
            "amount": format_minor(entry.amount_minor, setup.decimals[entry.currency_code]),
            "date": day.isoformat(),
            "transaction_no": writer.transaction_no,
            "void_entry_no": void.entry_no,
            "entries": dict(sorted(writer.counts.items())),
        }
