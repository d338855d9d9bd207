"""What the payables commands show of a proposal: plain values, never ORM rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from bankrec.db.models import PaymentProposal
from bankrec.domain.money import format_minor


@dataclass(frozen=True)
class ProposalView:
    """One proposal; amounts are positive texts with the currency's decimals.

    ``remaining_amount`` is what the invoice owed when proposed, ``amount`` what is paid and
    ``discount`` the payment discount taken (``remaining_amount = amount + discount``).
    """

    id: int
    vendor_no: str
    vendor_name: str
    entry_no: int
    document_no: str
    external_document_no: str
    due_date: date | None
    pmt_discount_date: date | None
    currency: str
    remaining_amount: str
    discount: str
    amount: str
    payment_date: date
    status: str
    end_to_end_id: str | None
    export_id: int | None
    warnings: tuple[str, ...] = ()

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "vendor_no": self.vendor_no,
            "vendor_name": self.vendor_name,
            "entry_no": self.entry_no,
            "document_no": self.document_no,
            "external_document_no": self.external_document_no,
            "due_date": _iso(self.due_date),
            "pmt_discount_date": _iso(self.pmt_discount_date),
            "currency": self.currency,
            "remaining_amount": self.remaining_amount,
            "discount": self.discount,
            "amount": self.amount,
            "payment_date": self.payment_date.isoformat(),
            "status": self.status,
            "end_to_end_id": self.end_to_end_id,
            "export_id": self.export_id,
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class ProposalList:
    """Proposals and what they pay per currency (rejected ones pay nothing)."""

    proposals: tuple[ProposalView, ...]
    total: dict[str, str]

    def as_json(self) -> dict[str, object]:
        return {"proposals": [p.as_json() for p in self.proposals], "total": dict(self.total)}

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(w for p in self.proposals for w in p.warnings))


def no_iban_warning(vendor_no: str, vendor_name: str) -> str:
    return (
        f"vendor {vendor_no} has no IBAN; add one with "
        f'`bankrec vendor add {vendor_no} --name "{vendor_name}" --iban IBAN`'
    )


def view(
    row: PaymentProposal, vendor_name: str, decimals: int, warnings: tuple[str, ...] = ()
) -> ProposalView:
    return ProposalView(
        id=row.id,
        vendor_no=row.vendor_no,
        vendor_name=vendor_name,
        entry_no=row.vendor_entry_no,
        document_no=row.document_no,
        external_document_no=row.external_document_no,
        due_date=row.due_date,
        pmt_discount_date=row.discount_date,
        currency=row.currency_code,
        remaining_amount=format_minor(row.amount_minor + row.discount_minor, decimals),
        discount=format_minor(row.discount_minor, decimals),
        amount=format_minor(row.amount_minor, decimals),
        payment_date=row.payment_date,
        status=row.status,
        end_to_end_id=row.end_to_end_id,
        export_id=row.export_id,
        warnings=warnings,
    )


def proposal_list(
    rows: Iterable[PaymentProposal],
    names: Mapping[str, str],
    decimals: Mapping[str, int],
    ibans: Mapping[str, str],
) -> ProposalList:
    """Views of ``rows``; a live proposal of a vendor without an IBAN carries a warning."""
    views: list[ProposalView] = []
    totals: dict[str, int] = defaultdict(int)
    for row in rows:
        name = names.get(row.vendor_no, "")
        live = row.status in ("proposed", "accepted")
        warnings = (
            () if row.vendor_no in ibans or not live else (no_iban_warning(row.vendor_no, name),)
        )
        views.append(view(row, name, decimals[row.currency_code], warnings))
        if row.status != "rejected":
            totals[row.currency_code] += row.amount_minor
    total = {cur: format_minor(totals[cur], decimals[cur]) for cur in sorted(totals)}
    return ProposalList(tuple(views), total)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
