"""Turn parsed journal lines into ledger legs, check them all, then post them.

Every check runs before the first row is written, and the whole posting happens in the
caller's transaction, so a bad line anywhere leaves the ledger untouched.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from bankrec.db import ledger_repo
from bankrec.db.ledgers import PartyLedger, party_ledger
from bankrec.db.models import BankAccount, PaymentTerms
from bankrec.db.models_ledger import PartyEntryMixin
from bankrec.db.setup_repo import LedgerSetup
from bankrec.domain.dateformula import parse_date_formula
from bankrec.domain.journal import JournalLine
from bankrec.domain.kinds import PARTY_TYPES, AccountType, DocumentType
from bankrec.domain.money import quantize, to_minor
from bankrec.errors import (
    ApplicationError,
    BlockedError,
    DuplicateDocumentError,
    InputError,
    Location,
    MissingExchangeRateError,
    NotFoundError,
    UnbalancedError,
)
from bankrec.services.numbering import next_number
from bankrec.services.posting.applications import apply_entries
from bankrec.services.posting.writer import DocumentInfo, PartyAmounts, TransactionWriter

_TERMED_DOCUMENTS = (DocumentType.INVOICE, DocumentType.CREDIT_MEMO)


@dataclass
class Leg:
    """One side of a journal line, resolved against master data, in minor units."""

    line: JournalLine
    account_type: AccountType
    account_no: str
    currency: str
    amount: int
    amount_lcy: int
    document_no: str
    balancing: tuple[str, str] | None = None
    applies_to: tuple[str, ...] = ()
    applies_to_entries: tuple[int, ...] = ()
    """Entries to apply to by number, in this order; used instead of ``applies_to`` when set."""
    terms: PartyAmounts | None = None
    is_party: bool = field(init=False)

    def __post_init__(self) -> None:
        self.is_party = self.account_type in PARTY_TYPES

    @property
    def location(self) -> Location:
        return self.line.location

    def doc(self) -> DocumentInfo:
        line = self.line
        return DocumentInfo(
            posting_date=line.posting_date,
            document_no=self.document_no,
            document_type=line.document_type.value or None,
            external_document_no=line.external_document_no,
            description=line.description,
        )


class JournalResolver:
    """Checks lines against master data and builds their legs."""

    def __init__(self, setup: LedgerSetup) -> None:
        self.setup = setup

    def legs(self, lines: list[JournalLine]) -> list[Leg]:
        legs: list[Leg] = []
        for line in lines:
            legs.extend(self._line_legs(line))
        _fix_document_rounding(legs)
        _check_balanced(legs, self.setup)
        self._check_new_documents(legs)
        return legs

    def _line_legs(self, line: JournalLine) -> list[Leg]:
        loc = line.location
        if line.amount == 0:
            raise InputError("amount is 0; a journal line must move money", loc)
        currency = self._line_currency(line)
        amount = _minor(line.amount, currency, self.setup, loc, "amount")
        amount_lcy = self._to_lcy(amount, currency, line.posting_date, loc)
        document_no = self._document_no(line)
        balancing = (
            (line.bal_account_type.value, line.bal_account_no) if line.bal_account_type else None
        )
        main = Leg(
            line,
            line.account_type,
            line.account_no,
            currency,
            amount,
            amount_lcy,
            document_no,
            balancing,
        )
        legs = [main]
        if line.bal_account_type is not None:
            legs.append(
                Leg(
                    line,
                    line.bal_account_type,
                    line.bal_account_no,
                    currency,
                    -amount,
                    -amount_lcy,
                    document_no,
                    (line.account_type.value, line.account_no),
                )
            )
        for leg in legs:
            self._check_account(leg)
        if line.check_no and not any(leg.account_type == AccountType.BANK for leg in legs):
            raise InputError("check_no is only for lines that post to a bank account", loc)
        party_legs = [leg for leg in legs if leg.is_party]
        if len(party_legs) > 1:
            raise InputError("a line may post to one customer or vendor only; split it in two", loc)
        self._attach_party_details(line, party_legs[0] if party_legs else None)
        return legs

    def _line_currency(self, line: JournalLine) -> str:
        if line.currency:
            if line.currency not in self.setup.decimals:
                raise NotFoundError(
                    f"currency {line.currency} is not set up; add it with `bankrec currency add "
                    f"{line.currency}`",
                    line.location,
                )
            return line.currency
        if line.account_type == AccountType.BANK:
            bank = self.setup.bank(line.account_no)
            if bank is not None:
                return bank.currency_code
        return self.setup.lcy

    def _to_lcy(self, amount: int, currency: str, on: date, loc: Location) -> int:
        rate = self.setup.rate(currency, on)
        if rate is None:
            raise MissingExchangeRateError(
                f"no {currency} exchange rate on or before {on}; add one with "
                f"`bankrec rate add {currency} --date {on} --rate RATE`",
                loc,
            )
        return self.setup.to_lcy(amount, currency, rate)

    def _document_no(self, line: JournalLine) -> str:
        if line.document_no:
            return line.document_no
        series = self.setup.company.journal_series
        if line.has_balancing_account and series:
            return next_number(self.setup.session, series)
        raise InputError(
            "document_no is empty; give every line a document number"
            + ("" if series else " (or set a journal number series and a balancing account)"),
            line.location,
        )

    def _check_account(self, leg: Leg) -> None:
        loc = leg.location
        kind, no = leg.account_type, leg.account_no
        if kind == AccountType.GL:
            account = self.setup.gl_account(no)
            if account is None:
                raise NotFoundError(
                    f"G/L account {no} does not exist; add it with `bankrec gl add`", loc
                )
            if account.blocked:
                raise BlockedError(f"G/L account {no} ({account.name}) is blocked", loc)
            if not account.direct_posting:
                raise BlockedError(
                    f"G/L account {no} ({account.name}) does not allow direct posting; post to the "
                    "bank, customer or vendor it summarises instead",
                    loc,
                )
        elif kind == AccountType.BANK:
            self._check_bank(self.setup.bank(no), leg)
        else:
            party = self.setup.record(party_ledger(kind).party, no)
            if party is None:
                raise NotFoundError(
                    f"{kind} {no} does not exist; add it with `bankrec {kind} add`", loc
                )
            if party.blocked:
                raise BlockedError(f"{kind} {no} ({party.name}) is blocked", loc)

    def _check_bank(self, bank: BankAccount | None, leg: Leg) -> None:
        loc = leg.location
        if bank is None:
            raise NotFoundError(
                f"bank account {leg.account_no} does not exist; add it with `bankrec bank add`", loc
            )
        if bank.blocked:
            raise BlockedError(f"bank account {bank.no} ({bank.name}) is blocked", loc)
        if bank.currency_code != leg.currency:
            raise InputError(
                f"bank account {bank.no} is in {bank.currency_code} but the line is in "
                f"{leg.currency}; set the currency column to {bank.currency_code}",
                loc,
            )

    def _attach_party_details(self, line: JournalLine, leg: Leg | None) -> None:
        loc = line.location
        if leg is None:
            for name, value in (
                ("applies_to_doc_no", line.applies_to_doc_nos),
                ("due_date", line.due_date),
                ("pmt_discount_date", line.pmt_discount_date),
                ("pmt_discount_amount", line.pmt_discount_amount),
            ):
                if value:
                    raise InputError(f"{name} is only for customer or vendor lines", loc)
            return
        leg.applies_to = line.applies_to_doc_nos
        leg.terms = self._terms(line, leg)

    def _terms(self, line: JournalLine, leg: Leg) -> PartyAmounts:
        loc = line.location
        termed = line.document_type in _TERMED_DOCUMENTS
        if not termed and (line.due_date or line.pmt_discount_date or line.pmt_discount_amount):
            raise InputError("due and discount dates are for invoices and credit memos only", loc)
        party = self.setup.record(party_ledger(leg.account_type).party, leg.account_no)
        assert party is not None
        terms = (
            self.setup.record(PaymentTerms, party.payment_terms_code)
            if party.payment_terms_code
            else None
        )
        due, discount_date, discount = None, None, 0
        if termed:
            due = line.due_date or (
                parse_date_formula(terms.due_date_formula).apply(line.posting_date)
                if terms
                else line.posting_date
            )
            discount_date, discount = self._discount(line, leg, terms)
            if due < line.posting_date:
                raise InputError(
                    f"due_date {due} is before the posting date {line.posting_date}", loc
                )
        return PartyAmounts(
            currency=leg.currency,
            amount=leg.amount,
            amount_lcy=leg.amount_lcy,
            due_date=due,
            discount_date=discount_date,
            discount_possible=discount,
            max_tolerance=self._max_tolerance(leg) if termed else 0,
        )

    def _discount(
        self, line: JournalLine, leg: Leg, terms: PaymentTerms | None
    ) -> tuple[date | None, int]:
        loc = line.location
        if line.pmt_discount_amount is not None and line.pmt_discount_date is None:
            raise InputError("pmt_discount_amount needs a pmt_discount_date", loc)
        discount_date = line.pmt_discount_date
        pct = terms.discount_pct if terms else Decimal(0)
        if discount_date is None and terms and terms.discount_date_formula and pct:
            discount_date = parse_date_formula(terms.discount_date_formula).apply(line.posting_date)
        if discount_date is None:
            return None, 0
        if line.pmt_discount_amount is not None:
            discount = abs(
                _minor(
                    line.pmt_discount_amount, leg.currency, self.setup, loc, "pmt_discount_amount"
                )
            )
        elif pct:
            decimals = self.setup.decimals[leg.currency]
            discount = to_minor(quantize(abs(line.amount) * pct / 100, decimals), decimals)
        else:
            raise InputError(
                "pmt_discount_date is set but neither pmt_discount_amount nor the payment "
                "terms give a discount",
                loc,
            )
        if discount >= abs(leg.amount):
            raise InputError("pmt_discount_amount must be less than the amount", loc)
        if discount_date < line.posting_date:
            raise InputError(f"pmt_discount_date {discount_date} is before the posting date", loc)
        return discount_date, discount if leg.amount > 0 else -discount

    def _max_tolerance(self, leg: Leg) -> int:
        company = self.setup.company
        pct = company.payment_tolerance_pct
        if not pct:
            return 0
        by_pct = int(quantize(Decimal(abs(leg.amount)) * pct / 100, 0))
        cap = company.max_payment_tolerance_minor
        if cap and leg.currency != self.setup.lcy:
            rate = self.setup.rate(leg.currency, leg.line.posting_date) or Decimal(1)
            cap = self.setup.from_lcy(cap, leg.currency, rate)
        tolerance = min(by_pct, cap) if cap else by_pct
        return tolerance if leg.amount > 0 else -tolerance

    def _check_new_documents(self, legs: list[Leg]) -> None:
        first_line: dict[str, Location] = {}
        for leg in legs:
            first_line.setdefault(leg.document_no, leg.location)
        posted = ledger_repo.posted_document_nos(self.setup.session, list(first_line))
        for document_no, transaction_no in sorted(posted.items()):
            raise DuplicateDocumentError(
                f"document {document_no} was already posted (transaction {transaction_no}); "
                "use a new document number, or reverse the old posting first",
                first_line[document_no],
            )


def _minor(amount: Decimal, currency: str, setup: LedgerSetup, loc: Location, column: str) -> int:
    decimals = setup.decimals[currency]
    try:
        return to_minor(amount, decimals)
    except ValueError:
        raise InputError(
            f"{column} {amount} has more decimals than {currency} allows ({decimals})", loc
        ) from None


def _document_groups(legs: list[Leg]) -> dict[tuple[str, date], list[Leg]]:
    groups: dict[tuple[str, date], list[Leg]] = defaultdict(list)
    for leg in legs:
        groups[(leg.document_no, leg.line.posting_date)].append(leg)
    return groups


def _fix_document_rounding(legs: list[Leg]) -> None:
    """A document in one foreign currency that balances in it must balance in local currency
    too: the cent that separate conversions can leave goes to its largest line."""
    for group in _document_groups(legs).values():
        currencies = {leg.currency for leg in group}
        if len(currencies) != 1 or sum(leg.amount for leg in group) != 0:
            continue
        residue = sum(leg.amount_lcy for leg in group)
        if residue:
            largest = max(group, key=lambda leg: (abs(leg.amount), -group.index(leg)))
            largest.amount_lcy -= residue
            if largest.terms is not None:
                largest.terms = replace(largest.terms, amount_lcy=largest.amount_lcy)


def _check_balanced(legs: list[Leg], setup: LedgerSetup) -> None:
    for (document_no, posting_date), group in _document_groups(legs).items():
        total = sum(leg.amount_lcy for leg in group)
        if total == 0:
            continue
        lines = sorted({leg.location.line or 0 for leg in group})
        location = Location(group[0].location.source, lines[0], lines[-1])
        debit = sum(leg.amount_lcy for leg in group if leg.amount_lcy > 0)
        credit = -sum(leg.amount_lcy for leg in group if leg.amount_lcy < 0)
        decimals = setup.lcy_decimals
        raise UnbalancedError(
            f"document {document_no} of {posting_date} does not balance: debits "
            f"{quantize(Decimal(debit).scaleb(-decimals), decimals)}, credits "
            f"{quantize(Decimal(credit).scaleb(-decimals), decimals)} {setup.lcy}; add the "
            "missing line or a bal_account_no",
            location,
        )


def post_legs(writer: TransactionWriter, legs: list[Leg]) -> int:
    """Write every leg, then make the applications the lines ask for; returns applications made."""
    setup = writer.setup
    party_entries: list[tuple[Leg, PartyEntryMixin]] = []
    for leg in legs:
        doc = leg.doc()
        if leg.account_type == AccountType.GL:
            writer.gl(
                leg.account_no, doc, leg.amount_lcy, currency=leg.currency, source_amount=leg.amount
            )
        elif leg.account_type == AccountType.BANK:
            bank = setup.bank(leg.account_no)
            assert bank is not None
            writer.bank_entry(
                bank,
                doc,
                leg.amount,
                leg.amount_lcy,
                balancing=leg.balancing,
                check_no=leg.line.check_no or None,
            )
        else:
            assert leg.terms is not None
            entry = writer.party_entry(
                party_ledger(leg.account_type), leg.account_no, doc, leg.terms
            )
            party_entries.append((leg, entry))
    writer.flush()
    applications = 0
    for leg, entry in party_entries:
        if leg.applies_to or leg.applies_to_entries:
            _apply_line(writer, leg, entry.entry_no)
            applications += 1
    return applications


def _apply_line(writer: TransactionWriter, leg: Leg, entry_no: int) -> None:
    ledger = party_ledger(leg.account_type)
    by_entry = bool(leg.applies_to_entries)
    targets = list(leg.applies_to_entries) if by_entry else _targets(writer, ledger, leg)
    column = "applies_to_entries" if by_entry else "applies_to_doc_no"
    try:
        apply_entries(writer, ledger, entry_no, targets, leg.line.posting_date)
    except ApplicationError as exc:
        raise ApplicationError(f"{column}: {exc.message}", leg.location) from None


def _targets(writer: TransactionWriter, ledger: PartyLedger, leg: Leg) -> list[int]:
    found = ledger_repo.entries_by_document(
        writer.session, ledger, leg.account_no, list(leg.applies_to)
    )
    states = ledger_repo.entry_states(writer.session, ledger, [e.entry_no for e in found])
    targets: list[int] = []
    for document_no in leg.applies_to:
        candidates = [e for e in found if e.document_no == document_no and states[e.entry_no].open]
        wanted_sign = leg.amount < 0
        candidates = [e for e in candidates if (states[e.entry_no].remaining > 0) == wanted_sign]
        if not candidates:
            raise ApplicationError(
                f"applies_to_doc_no: {ledger.kind} {leg.account_no} has no open entry "
                f"{document_no} that this {'credit' if leg.amount < 0 else 'debit'} can apply to",
                leg.location,
            )
        targets.append(candidates[0].entry_no)
    return targets
