"""Use case: write the accepted payment proposals of one bank's currency into a pain.001 file.

The file is built and validated first, then written atomically (a temporary file renamed over
the target), and the proposals are marked exported and the export recorded in the same
transaction: when writing fails nothing is marked, and when the commit fails the file is removed.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from bankrec.db import ledger_repo, payables_repo
from bankrec.db.ledgers import VENDORS
from bankrec.db.models import BankAccount, PaymentExport, PaymentProposal
from bankrec.db.setup_repo import LedgerSetup, get_company
from bankrec.domain.money import format_minor
from bankrec.errors import InputError, NotFoundError
from bankrec.services.database import Database
from bankrec.services.payables.sepa import (
    SEPA_CURRENCY,
    Debtor,
    Transfer,
    credit_transfer_file,
)
from bankrec.services.payables.views import no_iban_warning


@dataclass(frozen=True)
class ExportRequest:
    bank: str
    path: Path
    execution_date: date
    force: bool = False
    user: str = ""


@dataclass(frozen=True)
class ExportResult:
    export_id: int
    file: str
    message_id: str
    bank: str
    currency: str
    execution_date: date
    payments: int
    total: str
    end_to_end_ids: tuple[str, ...]

    def as_json(self) -> dict[str, object]:
        return {
            "export_id": self.export_id,
            "file": self.file,
            "message_id": self.message_id,
            "bank": self.bank,
            "currency": self.currency,
            "execution_date": self.execution_date.isoformat(),
            "payments": self.payments,
            "total": self.total,
            "end_to_end_ids": list(self.end_to_end_ids),
        }


def end_to_end_id(export_id: int, proposal_id: int) -> str:
    """The id the bank reports the payment back with; unique, well under 35 characters, and
    still unique when matching compares references by letters and digits only (the "P" keeps
    export 1 / proposal 11 apart from export 11 / proposal 1)."""
    return f"BR-{export_id}-P{proposal_id}"


def export_payments(db: Database, request: ExportRequest) -> ExportResult:
    """Export, or refuse with nothing written and nothing marked."""
    path = request.path.absolute()
    if path.exists() and not request.force:
        raise InputError(f"{path} exists already; give another file name, or --force to replace it")
    written = False
    try:
        with db.transaction() as session:
            result, content = _mark_exported(session, request, path)
            _write_atomically(path, content)
            written = True
        return result
    except BaseException:
        if written:
            path.unlink(missing_ok=True)
        raise


def _mark_exported(
    session: Session, request: ExportRequest, path: Path
) -> tuple[ExportResult, bytes]:
    bank = _bank(session, request.bank)
    rows = [
        row
        for row in payables_repo.proposals(session, "accepted", lock=True)
        if row.currency_code == bank.currency_code
    ]
    if not rows:
        raise InputError(
            f"there are no accepted payment proposals in {bank.currency_code} for bank "
            f"{bank.no}; run `bankrec payables suggest` and `bankrec payables accept` first"
        )
    ibans = _creditor_ibans(session, rows)
    _check_still_owed(session, rows)
    _check_discount_dates(rows, request.execution_date)
    now = datetime.now(UTC)
    export = PaymentExport(
        bank_no=bank.no,
        message_id=uuid.uuid4().hex,  # replaced below, once the export has its number
        file_name=str(path),
        execution_date=request.execution_date,
        payment_count=len(rows),
        total_minor=sum(row.amount_minor for row in rows),
        currency_code=bank.currency_code,
        created_at=now,
        created_by=request.user,
    )
    session.add(export)
    session.flush()
    # Numbered, not random: unique per database (banks refuse a repeated message id) and the
    # same on every run of the same books.
    export.message_id = f"BR-{export.id:06d}-{request.execution_date:%Y%m%d}"
    session.flush()
    names = payables_repo.vendor_names(session, {row.vendor_no for row in rows})
    for row in rows:
        row.status = "exported"
        row.export_id = export.id
        row.end_to_end_id = end_to_end_id(export.id, row.id)
        row.creditor_iban = ibans[row.vendor_no]
    session.flush()
    debtor = Debtor(get_company(session).name or bank.name, bank.iban or "", bank.bic or "")
    transfers = [
        Transfer(
            end_to_end_id=row.end_to_end_id or "",
            name=names[row.vendor_no],
            iban=row.creditor_iban,
            amount=row.amount_minor,
            remittance=row.external_document_no or row.document_no,
        )
        for row in rows
    ]
    content = credit_transfer_file(debtor, export.message_id, request.execution_date, transfers)
    places = LedgerSetup(session).decimals[bank.currency_code]
    result = ExportResult(
        export_id=export.id,
        file=str(path),
        message_id=export.message_id,
        bank=bank.no,
        currency=bank.currency_code,
        execution_date=request.execution_date,
        payments=len(rows),
        total=format_minor(export.total_minor, places),
        end_to_end_ids=tuple(t.end_to_end_id for t in transfers),
    )
    return result, content


def _bank(session: Session, bank_no: str) -> BankAccount:
    bank = session.get(BankAccount, bank_no)
    if bank is None:
        raise NotFoundError(f"bank account {bank_no} does not exist; see `bankrec bank list`")
    if bank.currency_code != SEPA_CURRENCY:
        raise InputError(
            f"bank account {bank.no} is in {bank.currency_code}; a pain.001 SEPA credit "
            f"transfer file pays in {SEPA_CURRENCY} only: export from a {SEPA_CURRENCY} bank"
        )
    if not bank.iban:
        raise InputError(
            f"bank account {bank.no} has no IBAN, which the payment file needs as the debtor "
            f"account; add it with `bankrec bank add {bank.no} --name ... --currency "
            f"{bank.currency_code} --gl-account {bank.gl_account_no} --iban IBAN`"
        )
    return bank


def _creditor_ibans(session: Session, rows: list[PaymentProposal]) -> dict[str, str]:
    vendors = {row.vendor_no for row in rows}
    ibans = payables_repo.vendor_ibans(session, vendors)
    missing = sorted(vendors - set(ibans))
    if missing:
        names = payables_repo.vendor_names(session, missing)
        problems = "; ".join(no_iban_warning(no, names.get(no, "")) for no in missing)
        raise InputError(
            f"cannot export: {problems} (or reject its proposals with `bankrec payables reject`)"
        )
    return ibans


def _check_still_owed(session: Session, rows: list[PaymentProposal]) -> None:
    """Refuse a proposal whose invoice was paid or changed since it was proposed: exporting it
    would pay twice or pay the wrong amount."""
    states = ledger_repo.entry_states(
        session, VENDORS, [row.vendor_entry_no for row in rows], lock=True
    )
    for row in rows:
        state = states.get(row.vendor_entry_no)
        owed = -state.remaining if state else 0
        if owed != row.amount_minor + row.discount_minor:
            raise InputError(
                f"payment proposal {row.id}: vendor {row.vendor_no} invoice {row.document_no} "
                "has changed since it was proposed (paid or applied meanwhile); reject the "
                f"proposal with `bankrec payables reject {row.id}` and suggest again"
            )


def _check_discount_dates(rows: list[PaymentProposal], execution_date: date) -> None:
    for row in rows:
        if row.discount_minor and row.discount_date and execution_date > row.discount_date:
            raise InputError(
                f"payment proposal {row.id} takes a payment discount on vendor {row.vendor_no} "
                f"invoice {row.document_no} that ends on {row.discount_date}, but the execution "
                f"date is {execution_date}; export with an --execution-date on or before "
                f"{row.discount_date}, or reject the proposal and suggest again"
            )


def _write_atomically(path: Path, content: bytes) -> None:
    """Write ``content`` next to ``path`` and rename it over ``path``: a reader never sees a
    half-written payment file."""
    try:
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}; check the folder") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise InputError(f"cannot write {path}: {exc.strerror}; nothing was exported") from None
