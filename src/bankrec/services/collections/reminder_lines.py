"""The lines of one draft reminder: overdue entries by level, their interest and line fees, the
additional fee, and the open entries listed for information; then the header and its texts.

Business Central (cu 392): a line fee per overdue entry and level, unless an issued,
non-canceled reminder already charged it; one additional fee at the header level (the highest
level among the overdue entries); interest when the entry's level calculates interest and the
customer has finance charge terms. Fees are priced by ``domain.reminder_fees``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from bankrec.db import reminders_repo
from bankrec.db.models import (
    CollectionDocument,
    CollectionLine,
    Customer,
    CustomerLedgerEntry,
    FinanceChargeTerms,
)
from bankrec.db.reminders_repo import OpenEntry
from bankrec.db.setup_repo import LedgerSetup
from bankrec.domain.interest import InterestLine
from bankrec.domain.money import format_minor, from_minor, to_minor
from bankrec.domain.reminder_fees import reminder_fee
from bankrec.errors import MissingExchangeRateError, SetupError
from bankrec.services.collections.common import fill_placeholders, next_document_no
from bankrec.services.collections.interest import entry_interest_lines
from bankrec.services.collections.reminder_setup import TermsSetup, due_date_formula


@dataclass
class CurrencyPlan:
    """One customer's open entries in one currency, sorted by what the reminder does with them."""

    currency: str
    overdue: list[tuple[OpenEntry, int]] = field(default_factory=list)
    """Entries reminded now, with their level."""
    not_due: list[OpenEntry] = field(default_factory=list)
    on_hold: list[OpenEntry] = field(default_factory=list)


@dataclass(frozen=True)
class ReminderDraft:
    """A created reminder as ``reminder create`` reports it (amounts as text)."""

    no: str
    customer_no: str
    currency: str
    level: int
    document_date: date
    due_date: date
    remaining: str
    interest: str
    fee: str
    total: str
    lines: int

    def as_json(self) -> dict[str, object]:
        return {
            "no": self.no,
            "customer_no": self.customer_no,
            "currency": self.currency,
            "level": self.level,
            "document_date": self.document_date.isoformat(),
            "due_date": self.due_date.isoformat(),
            "remaining": self.remaining,
            "interest": self.interest,
            "fee": self.fee,
            "total": self.total,
            "lines": self.lines,
        }


class _LineSink:
    """Collects lines with running numbers and the header's sums."""

    def __init__(self) -> None:
        self.lines: list[CollectionLine] = []
        self.interest = 0
        self.additional_fee = 0
        self.line_fees = 0

    def add(self, line_type: str, **values: object) -> CollectionLine:
        line = CollectionLine(line_no=len(self.lines) + 1, line_type=line_type, **values)
        self.lines.append(line)
        return line


def build_reminder(
    setup: LedgerSetup,
    terms: TermsSetup,
    customer: Customer,
    plan: CurrencyPlan,
    document_date: date,
    posting_date: date,
    user: str,
) -> ReminderDraft:
    """Write one draft reminder with its lines; return what ``create`` reports of it."""
    header_level = max(level for _, level in plan.overdue)
    pricing = _Pricing(setup, terms, plan.currency, posting_date)
    interest = _interest(setup, terms, customer, plan, document_date)
    sink = _LineSink()
    _add_overdue(sink, setup.session, pricing, plan, interest)
    remaining = sum(open_entry.remaining for open_entry, _ in plan.overdue)
    sink.additional_fee = pricing.fee(header_level, per_line=False, remaining=remaining)
    if sink.additional_fee:
        sink.add(
            "additional-fee",
            level_no=header_level,
            amount_minor=sink.additional_fee,
            description=f"Additional fee, reminder level {header_level}",
        )
    for open_entry in plan.not_due:
        sink.add("not-due", **_entry_fields(open_entry))
    for open_entry in plan.on_hold:
        sink.add("on-hold", **_entry_fields(open_entry))
    doc = CollectionDocument(
        kind=reminders_repo.REMINDER,
        no=next_document_no(setup.session, reminders_repo.REMINDER),
        customer_no=customer.no,
        currency_code=plan.currency,
        status="draft",
        document_date=document_date,
        posting_date=posting_date,
        due_date=due_date_formula(terms, header_level).apply(document_date),
        terms_code=terms.terms.code,
        level_no=header_level,
        remaining_minor=remaining,
        interest_minor=sink.interest,
        fee_minor=sink.additional_fee + sink.line_fees,
        created_at=datetime.now(UTC),
        created_by=user,
    )
    _set_texts(setup, terms, customer, doc, sink)
    _save(setup.session, doc, sink.lines)
    return _draft_view(doc, setup.decimals[plan.currency], len(sink.lines))


def _add_overdue(
    sink: _LineSink,
    session: Session,
    pricing: _Pricing,
    plan: CurrencyPlan,
    interest: dict[int, list[InterestLine]],
) -> None:
    """Overdue entries grouped by level, each with its interest, then the level's line fees."""
    charged = reminders_repo.issued_line_fees(
        session, [open_entry.entry.entry_no for open_entry, _ in plan.overdue]
    )
    for level in sorted({level for _, level in plan.overdue}):
        group = [open_entry for open_entry, at in plan.overdue if at == level]
        for open_entry in group:
            sink.add("overdue", level_no=level, **_entry_fields(open_entry))
            for period in interest.get(open_entry.entry.entry_no, []):
                _add_interest(sink, open_entry.entry, level, period)
        for open_entry in group:
            if (open_entry.entry.entry_no, level) not in charged:
                _add_line_fee(sink, pricing, open_entry, level)


def _save(session: Session, doc: CollectionDocument, lines: list[CollectionLine]) -> None:
    session.add(doc)
    session.flush()
    for line in lines:
        line.document_id = doc.id
    session.add_all(lines)


def _draft_view(doc: CollectionDocument, places: int, lines: int) -> ReminderDraft:
    return ReminderDraft(
        no=doc.no,
        customer_no=doc.customer_no,
        currency=doc.currency_code,
        level=doc.level_no or 1,
        document_date=doc.document_date,
        due_date=doc.due_date,
        remaining=format_minor(doc.remaining_minor, places),
        interest=format_minor(doc.interest_minor, places),
        fee=format_minor(doc.fee_minor, places),
        total=format_minor(doc.remaining_minor + doc.interest_minor + doc.fee_minor, places),
        lines=lines,
    )


class _Pricing:
    """Prices fees of one reminder's currency at the posting date's exchange rate."""

    def __init__(
        self, setup: LedgerSetup, terms: TermsSetup, currency: str, posting_date: date
    ) -> None:
        rate = setup.rate(currency, posting_date)
        if rate is None:
            raise MissingExchangeRateError(
                f"no {currency} exchange rate on or before {posting_date}; add one with "
                f"`bankrec rate add {currency} --date {posting_date} --rate RATE`"
            )
        self.setup, self.terms, self.currency, self.rate = setup, terms, currency, rate
        self.places = setup.decimals[currency]

    def fee(self, level: int, per_line: bool, remaining: int) -> int:
        rule = self.terms.fee_rule(self.setup, level, per_line, self.currency)
        amount = reminder_fee(
            rule,
            from_minor(remaining, self.places),
            self.places,
            self._to_lcy,
            self._from_lcy,
            in_lcy=self.currency == self.setup.lcy,
        )
        return to_minor(amount, self.places)

    def _to_lcy(self, amount: Decimal) -> Decimal:
        return amount * self.rate

    def _from_lcy(self, amount: Decimal) -> Decimal:
        return amount / self.rate


def _entry_fields(open_entry: OpenEntry) -> dict[str, object]:
    entry = open_entry.entry
    return {
        "entry_no": entry.entry_no,
        "document_type": entry.document_type or "",
        "document_no": entry.document_no,
        "due_date": entry.due_date,
        "original_minor": entry.amount_minor,
        "remaining_minor": open_entry.remaining,
        "description": entry.description or f"{entry.document_type or 'entry'} {entry.document_no}",
    }


def _add_interest(
    sink: _LineSink, entry: CustomerLedgerEntry, level: int, period: InterestLine
) -> None:
    if not period.interest:
        return
    sink.interest += period.interest
    sink.add(
        "interest",
        entry_no=entry.entry_no,
        level_no=level,
        document_type=entry.document_type or "",
        document_no=entry.document_no,
        due_date=entry.due_date,
        base_minor=period.base,
        interest_rate=period.rate,
        days=period.days,
        period_start=period.period_start,
        period_end=period.period_end,
        amount_minor=period.interest,
        description=(
            f"Interest {period.rate}% on {entry.document_no}, {period.days} days from "
            f"{period.period_start}"
        ),
    )


def _add_line_fee(sink: _LineSink, pricing: _Pricing, open_entry: OpenEntry, level: int) -> None:
    amount = pricing.fee(level, per_line=True, remaining=open_entry.remaining)
    if not amount:
        return
    sink.line_fees += amount
    entry = open_entry.entry
    sink.add(
        "line-fee",
        entry_no=entry.entry_no,
        level_no=level,
        document_type=entry.document_type or "",
        document_no=entry.document_no,
        due_date=entry.due_date,
        amount_minor=amount,
        description=f"Line fee, {entry.document_no}, reminder level {level}",
    )


def _interest(
    setup: LedgerSetup,
    terms: TermsSetup,
    customer: Customer,
    plan: CurrencyPlan,
    document_date: date,
) -> dict[int, list[InterestLine]]:
    """Interest per overdue entry whose level calculates it, when the customer has terms."""
    entry_nos = [
        open_entry.entry.entry_no
        for open_entry, level in plan.overdue
        if terms.levels[level].calculate_interest
    ]
    if not entry_nos or customer.fin_charge_terms_code is None:
        return {}
    fin_terms = setup.session.get(FinanceChargeTerms, customer.fin_charge_terms_code)
    if fin_terms is None:
        raise SetupError(
            f"customer {customer.no} names finance charge terms "
            f"{customer.fin_charge_terms_code}, which do not exist; load them or change the "
            "customer"
        )
    return entry_interest_lines(
        setup.session, fin_terms, entry_nos, document_date, setup.decimals[plan.currency]
    )


def _set_texts(
    setup: LedgerSetup,
    terms: TermsSetup,
    customer: Customer,
    doc: CollectionDocument,
    sink: _LineSink,
) -> None:
    """The header level's beginning and ending texts with BC's placeholders filled in."""
    places = setup.decimals[doc.currency_code]
    level = terms.levels[doc.level_no or 1]
    fin_terms = (
        setup.session.get(FinanceChargeTerms, customer.fin_charge_terms_code)
        if customer.fin_charge_terms_code
        else None
    )
    total = doc.remaining_minor + doc.interest_minor + doc.fee_minor
    # BC's level placeholders %1 .. %12, in order.
    values = (
        doc.document_date.isoformat(),
        doc.due_date.isoformat(),
        str(fin_terms.interest_rate) if fin_terms else "0",
        format_minor(doc.remaining_minor, places),
        format_minor(doc.interest_minor, places),
        format_minor(sink.additional_fee, places),
        format_minor(total, places),
        str(doc.level_no),
        doc.currency_code,
        doc.posting_date.isoformat(),
        setup.company.name,
        format_minor(sink.line_fees, places),
    )
    doc.beginning_text = fill_placeholders(level.beginning_text, values)
    doc.ending_text = fill_placeholders(level.ending_text, values)
