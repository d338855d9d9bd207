"""Use cases: suggest vendor payments, list them, accept or reject them.

Business Central's "Suggest Vendor Payments" (report 393) fills a payment journal with the open
invoices due by a date, optionally also those whose payment discount is still open. Here the
suggestion is a list of proposals a person accepts or rejects before the bank file is written;
credit memos are not netted against invoices (each proposal pays one invoice in full).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from bankrec.db import payables_repo
from bankrec.db.models import PaymentProposal
from bankrec.db.setup_repo import LedgerSetup
from bankrec.errors import InputError, NotFoundError
from bankrec.services.database import Database
from bankrec.services.payables.selection import Criteria, choose
from bankrec.services.payables.views import ProposalList, proposal_list

STATUSES = ("proposed", "accepted", "rejected", "exported")


@dataclass(frozen=True)
class SuggestRequest:
    due_by: date
    payment_date: date
    take_discounts: bool = False
    vendors: tuple[str, ...] = ()
    accept: bool = False


def suggest_payments(db: Database, request: SuggestRequest) -> ProposalList:
    """Propose every open vendor invoice the criteria pick, in one transaction."""
    criteria = Criteria(request.due_by, request.payment_date, request.take_discounts)
    with db.transaction() as session:
        _check_vendors(session, request.vendors)
        status = "accepted" if request.accept else "proposed"
        created = datetime.now(UTC)
        rows: list[PaymentProposal] = []
        for payable in payables_repo.open_payables(session, request.vendors):
            choice = choose(payable, criteria)
            if choice is None:
                continue
            rows.append(
                PaymentProposal(
                    vendor_entry_no=payable.entry_no,
                    vendor_no=payable.vendor_no,
                    currency_code=payable.currency,
                    document_no=payable.document_no,
                    external_document_no=payable.external_document_no,
                    due_date=payable.due_date,
                    discount_date=payable.discount_date,
                    payment_date=request.payment_date,
                    amount_minor=choice.amount,
                    discount_minor=choice.discount,
                    status=status,
                    created_at=created,
                )
            )
        session.add_all(rows)
        session.flush()
        return _listed(session, rows)


def list_proposals(db: Database, status: str | None = None) -> ProposalList:
    if status is not None and status not in STATUSES:
        raise InputError(f'--status "{status}" is not one of {", ".join(STATUSES)}')
    with db.reading() as session:
        return _listed(session, payables_repo.proposals(session, status))


def accept_proposals(db: Database, ids: Sequence[int], accept_all: bool = False) -> ProposalList:
    """Accept proposed proposals (all of them with ``accept_all``); accepting twice is a no-op."""
    if not ids and not accept_all:
        raise InputError("name the proposals to accept (IDs), or give --all")
    with db.transaction() as session:
        if accept_all:
            rows = payables_repo.proposals(session, "proposed", lock=True)
        else:
            rows = _found(session, ids)
            _refuse_status(rows, ("proposed", "accepted"), "accept")
        for row in rows:
            row.status = "accepted"
        session.flush()
        return _listed(session, rows)


def reject_proposals(db: Database, ids: Sequence[int]) -> ProposalList:
    """Reject proposals not yet exported: their invoices may be proposed again later."""
    if not ids:
        raise InputError("name the proposals to reject (IDs)")
    with db.transaction() as session:
        rows = _found(session, ids)
        _refuse_status(rows, ("proposed", "accepted", "rejected"), "reject")
        for row in rows:
            row.status = "rejected"
        session.flush()
        return _listed(session, rows)


def _check_vendors(session: Session, vendors: Collection[str]) -> None:
    missing = sorted(set(vendors) - payables_repo.existing_vendors(session, vendors))
    if missing:
        raise NotFoundError(
            f"vendor {', '.join(missing)} does not exist; see `bankrec vendor list`"
        )


def _found(session: Session, ids: Sequence[int]) -> list[PaymentProposal]:
    rows = payables_repo.proposals(session, ids=ids, lock=True)
    missing = sorted(set(ids) - {row.id for row in rows})
    if missing:
        raise NotFoundError(
            f"payment proposal {', '.join(map(str, missing))} does not exist; see "
            "`bankrec payables list`"
        )
    return rows


def _refuse_status(rows: Sequence[PaymentProposal], allowed: tuple[str, ...], verb: str) -> None:
    for row in rows:
        if row.status in allowed:
            continue
        fix = (
            "it went to the bank in a payment file"
            if row.status == "exported"
            else "run `bankrec payables suggest` to propose the invoice again"
        )
        raise InputError(
            f"payment proposal {row.id} ({row.vendor_no} {row.document_no}) is {row.status} "
            f"and cannot be {verb}ed; {fix}"
        )


def _listed(session: Session, rows: Sequence[PaymentProposal]) -> ProposalList:
    vendors = {row.vendor_no for row in rows}
    setup = LedgerSetup(session)
    return proposal_list(
        rows,
        payables_repo.vendor_names(session, vendors),
        setup.decimals,
        payables_repo.vendor_ibans(session, vendors),
    )
