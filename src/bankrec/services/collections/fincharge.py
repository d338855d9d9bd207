"""Finance charge memos: create drafts for overdue entries, issue, cancel, list and show them.

Business Central's "Create Finance Charge Memos" (section 9.3): per customer with finance
charge terms and per currency, one memo charging interest on the open invoices (and other
positive entries) whose due date plus the terms' grace period is before the document date,
plus the terms' additional fee. No memo when interest and fee stay below the terms' minimum
amount, or when a draft memo for that customer and currency is waiting already.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bankrec.db import collections_repo
from bankrec.db.collections_repo import OpenEntry
from bankrec.db.models import Customer
from bankrec.db.models_collections import CollectionDocument, CollectionLine, FinanceChargeTerms
from bankrec.db.setup_repo import LedgerSetup
from bankrec.domain.dateformula import parse_date_formula
from bankrec.domain.interest import InterestLine
from bankrec.domain.money import format_minor
from bankrec.errors import InputError, MissingExchangeRateError, NotFoundError, SetupError
from bankrec.services.collections.common import fill_placeholders, next_document_no
from bankrec.services.collections.documents import write_documents
from bankrec.services.collections.interest import entry_interest_lines
from bankrec.services.collections.posting import (
    cancel_collection_document,
    post_collection_document,
)
from bankrec.services.database import Database

KIND = "finance-charge"
BEGINNING_TEXT = "As of %1, interest is due on the overdue amounts listed below."
ENDING_TEXT = "Please pay the total due of %7 %8 by %2."
DEFAULT_LINE_DESCRIPTION = "%2 %3 due %7: %9 days at %4 %"


@dataclass(frozen=True)
class CreateRequest:
    document_date: date
    posting_date: date | None = None
    customer_nos: tuple[str, ...] = ()


@dataclass(frozen=True)
class MemoSummary:
    no: str
    customer_no: str
    currency: str
    status: str
    document_date: date
    posting_date: date
    due_date: date
    interest: str
    fee: str
    total: str
    lines: int
    issued_transaction_no: int | None
    canceled_transaction_no: int | None

    def as_json(self) -> dict[str, object]:
        return {
            "no": self.no,
            "customer_no": self.customer_no,
            "currency": self.currency,
            "status": self.status,
            "document_date": self.document_date.isoformat(),
            "posting_date": self.posting_date.isoformat(),
            "due_date": self.due_date.isoformat(),
            "interest": self.interest,
            "fee": self.fee,
            "total": self.total,
            "lines": self.lines,
            "issued_transaction_no": self.issued_transaction_no,
            "canceled_transaction_no": self.canceled_transaction_no,
        }

    def created_json(self) -> dict[str, object]:
        keys = ("no", "customer_no", "currency", "document_date", "due_date", "interest", "fee")
        document = self.as_json()
        return {**{k: document[k] for k in keys}, "total": self.total, "lines": self.lines}


@dataclass(frozen=True)
class Skipped:
    customer_no: str
    currency: str | None
    reason: str


@dataclass(frozen=True)
class CreateResult:
    created: list[MemoSummary]
    skipped: list[Skipped]

    def as_json(self) -> dict[str, object]:
        return {
            "created": [memo.created_json() for memo in self.created],
            "skipped": [vars(s) for s in self.skipped],
        }


@dataclass(frozen=True)
class MemoLine:
    line_no: int
    line_type: str
    entry_no: int | None
    document_type: str
    document_no: str
    due_date: date | None
    original: str
    remaining: str
    base: str
    rate: str | None
    days: int | None
    period_start: date | None
    period_end: date | None
    amount: str
    description: str

    def as_json(self) -> dict[str, object]:
        document = dict(vars(self))
        for key in ("due_date", "period_start", "period_end"):
            value = document[key]
            document[key] = value.isoformat() if isinstance(value, date) else None
        return document


@dataclass(frozen=True)
class MemoDetail:
    memo: MemoSummary
    terms_code: str
    beginning_text: str
    ending_text: str
    lines: list[MemoLine] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {
            **self.memo.as_json(),
            "terms_code": self.terms_code,
            "beginning_text": self.beginning_text,
            "ending_text": self.ending_text,
            "lines": [line.as_json() for line in self.lines],
        }


@dataclass(frozen=True)
class IssuedMemo:
    no: str
    transaction_no: int | None
    files: list[str]


@dataclass(frozen=True)
class IssueResult:
    issued: list[IssuedMemo]

    def as_json(self) -> dict[str, object]:
        return {"issued": [vars(memo) for memo in self.issued]}


@dataclass(frozen=True)
class CanceledMemo:
    no: str
    transaction_no: int | None


@dataclass(frozen=True)
class CancelResult:
    canceled: list[CanceledMemo]

    def as_json(self) -> dict[str, object]:
        return {"canceled": [vars(memo) for memo in self.canceled]}


def summary(doc: CollectionDocument, decimals: int, line_count: int) -> MemoSummary:
    return MemoSummary(
        no=doc.no,
        customer_no=doc.customer_no,
        currency=doc.currency_code,
        status=doc.status,
        document_date=doc.document_date,
        posting_date=doc.posting_date,
        due_date=doc.due_date,
        interest=format_minor(doc.interest_minor, decimals),
        fee=format_minor(doc.fee_minor, decimals),
        total=format_minor(doc.interest_minor + doc.fee_minor, decimals),
        lines=line_count,
        issued_transaction_no=doc.issued_transaction_no,
        canceled_transaction_no=doc.canceled_transaction_no,
    )


# --- create -------------------------------------------------------------------------------


class _MemoMaker:
    """Creates the memos of one run; master data and rates are read once."""

    def __init__(self, session: Session, request: CreateRequest, user: str) -> None:
        self.session = session
        self.setup = LedgerSetup(session)
        self.request = request
        self.document_date = request.document_date
        self.posting_date = request.posting_date or request.document_date
        self.user = user
        self.drafts = collections_repo.drafts_by_party(session, KIND)
        self.created: list[MemoSummary] = []
        self.skipped: list[Skipped] = []

    def run(self) -> CreateResult:
        customers = self._customers()
        entries = collections_repo.open_positive_entries(
            session=self.session, customer_nos=[c.no for c in customers]
        )
        groups: dict[tuple[str, str], list[OpenEntry]] = defaultdict(list)
        for item in entries:
            groups[(item.entry.party_no, item.entry.currency_code)].append(item)
        for customer in customers:
            currencies = sorted(cur for (no, cur) in groups if no == customer.no)
            for currency in currencies:
                self._make(customer, currency, groups[(customer.no, currency)])
        return CreateResult(self.created, self.skipped)

    def _customers(self) -> list[Customer]:
        query = select(Customer).order_by(Customer.no)
        wanted = self.request.customer_nos
        if wanted:
            query = query.where(Customer.no.in_(wanted))
        found = list(self.session.scalars(query))
        missing = sorted(set(wanted) - {c.no for c in found})
        if missing:
            raise NotFoundError(f"customer {', '.join(missing)} does not exist; check --customer")
        chargeable = []
        for customer in found:
            if not customer.fin_charge_terms_code:
                if wanted:
                    self.skipped.append(Skipped(customer.no, None, "no finance charge terms"))
            elif customer.blocked:
                self.skipped.append(Skipped(customer.no, None, "customer is blocked"))
            else:
                chargeable.append(customer)
        return chargeable

    def _terms(self, code: str) -> FinanceChargeTerms:
        terms = self.setup.record(FinanceChargeTerms, code)
        if terms is None:
            raise NotFoundError(f"finance charge terms {code} do not exist")
        return terms

    def _overdue(self, terms: FinanceChargeTerms, items: list[OpenEntry]) -> list[OpenEntry]:
        try:
            grace = parse_date_formula(terms.grace_period or "0D")
        except ValueError as exc:
            raise SetupError(f"finance charge terms {terms.code}: grace period: {exc}") from None
        return [
            item
            for item in items
            if item.entry.due_date is not None
            and grace.apply(item.entry.due_date) < self.document_date
        ]

    def _make(self, customer: Customer, currency: str, items: list[OpenEntry]) -> None:
        draft = self.drafts.get((customer.no, currency))
        if draft:
            reason = f"draft finance charge memo {draft} exists; issue or cancel it first"
            self.skipped.append(Skipped(customer.no, currency, reason))
            return
        assert customer.fin_charge_terms_code is not None
        terms = self._terms(customer.fin_charge_terms_code)
        decimals = self.setup.decimals[currency]
        overdue = self._overdue(terms, items)
        interest = entry_interest_lines(
            self.session, terms, [i.entry.entry_no for i in overdue], self.document_date, decimals
        )
        charged = [
            i for i in overdue if sum(x.interest for x in interest.get(i.entry.entry_no, []))
        ]
        if not charged:
            self.skipped.append(Skipped(customer.no, currency, "no interest due"))
            return
        interest_total = sum(x.interest for i in charged for x in interest[i.entry.entry_no])
        fee = self._in_currency(terms.additional_fee_minor, currency)
        minimum = self._in_currency(terms.minimum_amount_minor, currency)
        if interest_total + fee < minimum:
            reason = (
                f"interest and fee {format_minor(interest_total + fee, decimals)} {currency} are "
                f"below the minimum {format_minor(minimum, decimals)} {currency} of terms "
                f"{terms.code}"
            )
            self.skipped.append(Skipped(customer.no, currency, reason))
            return
        doc = self._document(customer, currency, terms, interest_total, fee, charged)
        lines = self._lines(doc, terms, charged, interest, fee, decimals)
        self.created.append(summary(doc, decimals, len(lines)))

    def _in_currency(self, lcy_minor: int, currency: str) -> int:
        """A local-currency amount of the terms in the memo's currency at the posting date."""
        if not lcy_minor or currency == self.setup.lcy:
            return lcy_minor
        rate = self.setup.rate(currency, self.posting_date)
        if rate is None:
            raise MissingExchangeRateError(
                f"no {currency} exchange rate on or before {self.posting_date} to convert the "
                f"finance charge fee and minimum; add one with `bankrec rate add {currency} "
                f"--date {self.posting_date} --rate RATE`"
            )
        return self.setup.from_lcy(lcy_minor, currency, rate)

    def _document(
        self,
        customer: Customer,
        currency: str,
        terms: FinanceChargeTerms,
        interest: int,
        fee: int,
        charged: list[OpenEntry],
    ) -> CollectionDocument:
        try:
            due = parse_date_formula(terms.due_date_formula or "0D").apply(self.document_date)
        except ValueError as exc:
            raise SetupError(f"finance charge terms {terms.code}: due date: {exc}") from None
        doc = CollectionDocument(
            kind=KIND,
            no=next_document_no(self.session, KIND),
            customer_no=customer.no,
            currency_code=currency,
            status="draft",
            document_date=self.document_date,
            posting_date=self.posting_date,
            due_date=due,
            terms_code=terms.code,
            remaining_minor=sum(i.remaining for i in charged),
            interest_minor=interest,
            fee_minor=fee,
            beginning_text=BEGINNING_TEXT,
            ending_text=ENDING_TEXT,
            created_at=datetime.now(UTC),
            created_by=self.user,
        )
        self.session.add(doc)
        self.session.flush()
        return doc

    def _lines(
        self,
        doc: CollectionDocument,
        terms: FinanceChargeTerms,
        charged: list[OpenEntry],
        interest: dict[int, list[InterestLine]],
        fee: int,
        decimals: int,
    ) -> list[CollectionLine]:
        lines: list[CollectionLine] = []
        for item in charged:
            for part in interest[item.entry.entry_no]:
                lines.append(self._interest_line(doc, terms, item, part, decimals, len(lines)))
        if fee:
            lines.append(
                CollectionLine(
                    document_id=doc.id,
                    line_no=(len(lines) + 1) * 10000,
                    line_type="additional-fee",
                    amount_minor=fee,
                    description="Additional fee",
                )
            )
        self.session.add_all(lines)
        return lines

    def _interest_line(
        self,
        doc: CollectionDocument,
        terms: FinanceChargeTerms,
        item: OpenEntry,
        part: InterestLine,
        decimals: int,
        index: int,
    ) -> CollectionLine:
        entry = item.entry
        assert entry.due_date is not None
        values = [
            entry.description,
            entry.document_type or "",
            entry.document_no,
            str(part.rate),
            format_minor(entry.amount_minor, decimals),
            format_minor(part.base, decimals),
            entry.due_date.isoformat(),
            doc.currency_code,
            str(part.days),
        ]
        template = terms.line_description or DEFAULT_LINE_DESCRIPTION
        return CollectionLine(
            document_id=doc.id,
            line_no=(index + 1) * 10000,
            line_type="interest",
            entry_no=entry.entry_no,
            document_type=entry.document_type or "",
            document_no=entry.document_no,
            due_date=entry.due_date,
            original_minor=entry.amount_minor,
            remaining_minor=item.remaining,
            base_minor=part.base,
            interest_rate=part.rate,
            days=part.days,
            period_start=part.period_start,
            period_end=part.period_end,
            amount_minor=part.interest,
            description=fill_placeholders(template, values).strip()[:250],
        )


def create_memos(db: Database, request: CreateRequest, user: str) -> CreateResult:
    """Draft finance charge memos on ``request.document_date``; one transaction."""
    if request.posting_date is not None and request.posting_date < request.document_date:
        raise InputError(
            f"--posting-date {request.posting_date} is before --date {request.document_date}"
        )
    with db.transaction() as session:
        return _MemoMaker(session, request, user).run()


# --- issue, cancel ------------------------------------------------------------------------


def _memos(session: Session, nos: Sequence[str], lock: bool = True) -> list[CollectionDocument]:
    found = []
    for no in dict.fromkeys(nos):
        doc = collections_repo.document_by_no(session, no, lock=lock)
        if doc is None or doc.kind != KIND:
            raise NotFoundError(
                f"finance charge memo {no} does not exist; see `bankrec fincharge list`"
            )
        found.append(doc)
    return found


def issue_memos(
    db: Database, nos: Sequence[str], issue_all: bool, out_dir: Path, user: str
) -> IssueResult:
    """Issue draft memos (each its own ledger transaction, all committed together), then write
    their documents."""
    if bool(nos) == issue_all:
        raise InputError("name the memos to issue, or give --all (not both)")
    with db.transaction() as session:
        if issue_all:
            docs = collections_repo.documents(session, KIND, status="draft")
        else:
            docs = _memos(session, nos)
        transactions: dict[str, int | None] = {}
        for doc in docs:
            transactions[doc.no] = _issue(session, doc, user)
    with db.reading() as session:
        fresh = _memos(session, [doc.no for doc in docs], lock=False)
        files: dict[str, list[str]] = defaultdict(list)
        for path in write_documents(session, fresh, out_dir):
            files[path.stem].append(str(path))
    return IssueResult([IssuedMemo(doc.no, transactions[doc.no], files[doc.no]) for doc in docs])


def _issue(session: Session, doc: CollectionDocument, user: str) -> int | None:
    if doc.status != "draft":
        raise InputError(f"finance charge memo {doc.no} is {doc.status}; only drafts issue")
    terms = session.get(FinanceChargeTerms, doc.terms_code)
    if terms is None:
        raise NotFoundError(f"finance charge terms {doc.terms_code} of {doc.no} do not exist")
    transaction_no = post_collection_document(
        session,
        doc,
        post_interest=terms.post_interest,
        post_fees=terms.post_additional_fee,
        post_line_fees=False,
        user=user,
    )
    doc.status = "issued"
    doc.issued_at = datetime.now(UTC)
    session.flush()
    return transaction_no


def cancel_memos(db: Database, nos: Sequence[str], user: str) -> CancelResult:
    """Cancel memos in one transaction: drafts are dropped from use, issued ones reversed."""
    if not nos:
        raise InputError("name the memos to cancel")
    with db.transaction() as session:
        canceled = []
        for doc in _memos(session, nos):
            canceled.append(CanceledMemo(doc.no, cancel_collection_document(session, doc, user)))
            session.flush()
        return CancelResult(canceled)


# --- list, show ---------------------------------------------------------------------------


def list_memos(
    db: Database, status: str | None = None, customer_no: str | None = None
) -> list[MemoSummary]:
    with db.reading() as session:
        setup = LedgerSetup(session)
        docs = collections_repo.documents(session, KIND, status, customer_no)
        lines = collections_repo.lines_of(session, [d.id for d in docs])
        return [summary(d, setup.decimals[d.currency_code], len(lines.get(d.id, []))) for d in docs]


def show_memo(db: Database, no: str) -> MemoDetail:
    with db.reading() as session:
        setup = LedgerSetup(session)
        doc = _memos(session, [no], lock=False)[0]
        decimals = setup.decimals[doc.currency_code]
        lines = collections_repo.lines_of(session, [doc.id]).get(doc.id, [])
        return MemoDetail(
            memo=summary(doc, decimals, len(lines)),
            terms_code=doc.terms_code,
            beginning_text=doc.beginning_text,
            ending_text=doc.ending_text,
            lines=[_memo_line(line, decimals) for line in lines],
        )


def _memo_line(line: CollectionLine, decimals: int) -> MemoLine:
    return MemoLine(
        line_no=line.line_no,
        line_type=line.line_type,
        entry_no=line.entry_no,
        document_type=line.document_type,
        document_no=line.document_no,
        due_date=line.due_date,
        original=format_minor(line.original_minor, decimals),
        remaining=format_minor(line.remaining_minor, decimals),
        base=format_minor(line.base_minor, decimals),
        rate=None if line.interest_rate is None else str(line.interest_rate),
        days=line.days,
        period_start=line.period_start,
        period_end=line.period_end,
        amount=format_minor(line.amount_minor, decimals),
        description=line.description,
    )
