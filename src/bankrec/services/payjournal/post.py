"""Post a payment reconciliation journal: every line becomes a payment applied to what it pays,
or a posting to an account, or the match of a bank entry posted before; in one transaction.

Reference: Business Central 5.13. Differences: the balance check runs on every path (BC skips it
headless), and an entry another posting reduced since the journal was applied is refused instead
of being applied partly.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bankrec.db import ledger_repo, payment_repo
from bankrec.db.ledger_repo import EntryState
from bankrec.db.ledgers import party_ledger
from bankrec.db.models import (
    BankAccount,
    BankEntryStatus,
    BankLedgerEntry,
    BankStatement,
    BankStatementLine,
    PaymentApplication,
    PaymentJournal,
    PaymentJournalLine,
)
from bankrec.db.payment_repo import bank_entry_state
from bankrec.db.rec_repo import next_statement_no
from bankrec.db.setup_repo import LedgerSetup
from bankrec.domain.kinds import StatementStatus, TransactionSource
from bankrec.domain.money import format_minor, to_minor
from bankrec.errors import ApplicationError, ConflictError, InputError, PaymentJournalError
from bankrec.services.database import Database
from bankrec.services.payjournal.common import applied_net, open_journal
from bankrec.services.posting.applications import apply_entries
from bankrec.services.posting.writer import DocumentInfo, PartyAmounts, TransactionWriter

PARTY_TYPES = ("customer", "vendor")


@dataclass(frozen=True)
class PostOptions:
    payments_only: bool = False
    ending_balance: Decimal | None = None
    """Default: the closing balance of the journal's statement."""
    statement_date: date | None = None
    user: str = ""


@dataclass(frozen=True)
class PostResult:
    journal: int
    bank: str
    document_no: str
    transaction_no: int
    lines: int
    payments: int
    applications: int
    reconciled: bool
    statement_no: int | None
    balance_last_statement: str | None
    entries: dict[str, int]


def post_payment_journal(db: Database, journal_id: int, options: PostOptions) -> PostResult:
    """Check everything, then post all of it or nothing."""
    with db.transaction() as session:
        journal = open_journal(session, journal_id)
        setup = LedgerSetup(session)
        bank = session.get(BankAccount, journal.bank_no, with_for_update=True)
        assert bank is not None
        places = setup.decimals[bank.currency_code]
        _check_lines(journal, places)
        reconcile = not options.payments_only
        ending = _ending_balance(session, journal, bank, options, places) if reconcile else None
        writer = TransactionWriter(
            session,
            setup,
            TransactionSource.JOURNAL,
            options.user,
            f"payment reconciliation journal {journal.id}",
        )
        poster = _Poster(session, setup, writer, bank, journal, places)
        poster.check_entries_still_open()
        for line in journal.lines:
            poster.post_line(line)
        writer.flush()
        poster.record_transfer_entries()
        statement_no = None
        if reconcile:
            assert ending is not None
            statement_no = next_statement_no(session, bank)
            poster.close_bank_entries(statement_no, options.statement_date or _last_date(journal))
            bank.last_statement_no = statement_no
            bank.balance_last_statement_minor = ending
            journal.balance_last_statement_minor = ending - sum(
                line.amount_minor for line in journal.lines
            )
            journal.ending_balance_minor = ending
            journal.statement_date = options.statement_date or _last_date(journal)
        journal.status = "posted"
        journal.posted_at = datetime.now(UTC)
        journal.posted_document_no = poster.document_no
        journal.payments_only = options.payments_only
        journal.transaction_no = writer.transaction_no
        journal.version += 1
        session.flush()
        return PostResult(
            journal=journal.id,
            bank=bank.no,
            document_no=poster.document_no,
            transaction_no=writer.transaction_no,
            lines=len(journal.lines),
            payments=poster.payments,
            applications=poster.applications,
            reconciled=reconcile,
            statement_no=statement_no,
            balance_last_statement=(
                format_minor(bank.balance_last_statement_minor, places) if reconcile else None
            ),
            entries=dict(sorted(writer.counts.items())),
        )


def tying_ending_balance(db: Database, journal_id: int) -> Decimal | None:
    """The closing balance of the latest statement the journal's lines come from, when the
    bank's balance last statement plus the lines makes exactly that: the journal then holds
    every line since the last reconciled statement and may post in reconcile mode."""
    with db.reading() as session:
        journal = open_journal(session, journal_id)
        bank = session.get_one(BankAccount, journal.bank_no)
        latest = _latest_closing(session, journal)
        total = sum(line.amount_minor for line in journal.lines)
        if latest is None or bank.balance_last_statement_minor + total != latest:
            return None
        places = LedgerSetup(session).decimals[bank.currency_code]
        return Decimal(latest).scaleb(-places)


def _latest_closing(session: Session, journal: PaymentJournal) -> int | None:
    """The closing balance of the latest statement (by closing date) among the journal's
    lines' statements."""
    ids = {line.statement_line_id for line in journal.lines if line.statement_line_id}
    if not ids:
        return None
    closing: int | None = session.execute(
        select(BankStatement.closing_minor)
        .join(BankStatementLine, BankStatementLine.statement_id == BankStatement.id)
        .where(BankStatementLine.id.in_(sorted(ids)))
        .order_by(BankStatement.closing_date.desc(), BankStatement.id.desc())
        .limit(1)
    ).scalar()
    return closing


def _last_date(journal: PaymentJournal) -> date:
    return max(line.transaction_date for line in journal.lines)


def _check_lines(journal: PaymentJournal, places: int) -> None:
    """Every line fully applied, to one account (reference 5.13 checks 2 and 3)."""
    if not journal.lines:
        raise PaymentJournalError(f"journal {journal.id} has no lines; nothing to post")
    for line in journal.lines:
        where = f"journal {journal.id} line {line.line_no}"
        if not line.applications:
            raise PaymentJournalError(
                f"{where} ({line.transaction_date}, {format_minor(line.amount_minor, places)}, "
                f"{_short(line.text)!r}) is not applied; apply it (`pay accept`, "
                "`pay apply-manual`, `pay transfer-diff`) before posting"
            )
        difference = line.amount_minor - applied_net(line)
        if difference:
            raise PaymentJournalError(
                f"{where} is not fully applied: {format_minor(applied_net(line), places)} of "
                f"{format_minor(line.amount_minor, places)} applied, difference "
                f"{format_minor(difference, places)}; accept the rest on account or use "
                "`pay transfer-diff`"
            )
        if line.status not in ("accepted", "manual") and line.confidence != "high":
            raise PaymentJournalError(
                f"{where} is proposed with {line.confidence} confidence and not accepted; "
                f"review it or run `pay accept {journal.id} {line.line_no}`"
            )
        accounts = {(a.account_type, a.account_no) for a in line.applications}
        if len({a for a in accounts if a[0] != "bank"}) > 1:
            raise PaymentJournalError(
                f"{where} applies to several accounts; a line pays one account"
            )


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


def _ending_balance(
    session: Session,
    journal: PaymentJournal,
    bank: BankAccount,
    options: PostOptions,
    places: int,
) -> int:
    """The statement's ending balance, which must tie to the bank's last balance plus the lines."""
    ending = None
    if options.ending_balance is not None:
        try:
            ending = to_minor(options.ending_balance, places)
        except ValueError:
            raise InputError(
                f"--ending-balance {options.ending_balance} has more decimals than "
                f"{bank.currency_code} allows ({places})"
            ) from None
    if ending is None and journal.statement_id is not None:
        statement = session.get(BankStatement, journal.statement_id)
        ending = statement.closing_minor if statement is not None else None
    elif ending is None:
        # A journal of several statements (`run`, `pay new` without --statement): its latest.
        ending = _latest_closing(session, journal)
    if ending is None:
        raise PaymentJournalError(
            f"journal {journal.id} has no statement ending balance; give --ending-balance, or "
            "post with --payments-only"
        )
    total = sum(line.amount_minor for line in journal.lines)
    expected = bank.balance_last_statement_minor + total
    if ending != expected:
        raise PaymentJournalError(
            f"journal {journal.id} does not tie: balance last statement "
            f"{format_minor(bank.balance_last_statement_minor, places)} plus the lines "
            f"{format_minor(total, places)} is {format_minor(expected, places)}, but the ending "
            f"balance is {format_minor(ending, places)} (difference "
            f"{format_minor(ending - expected, places)}); post the missing lines first, fix the "
            "bank's balance last statement, or post with --payments-only"
        )
    return ending


class _Poster:
    """Posts the lines of one journal under one transaction and remembers what to close."""

    def __init__(
        self,
        session: Session,
        setup: LedgerSetup,
        writer: TransactionWriter,
        bank: BankAccount,
        journal: PaymentJournal,
        places: int,
    ) -> None:
        self.session = session
        self.setup = setup
        self.writer = writer
        self.bank = bank
        self.journal = journal
        self.places = places
        self.document_no = f"PJ-{journal.id}"
        self.new_bank_entries: list[tuple[int, object]] = []
        self.matched_bank_entries: list[tuple[int, int]] = []
        self.payments = 0
        self.applications = 0
        self.states: dict[tuple[str, int], EntryState] = {}
        self.transfer_banks: dict[str, BankAccount] = {}
        self.transfer_entries: list[tuple[PaymentApplication, BankLedgerEntry]] = []

    def check_entries_still_open(self) -> None:
        """Lock every entry the journal applies and refuse if another posting took part of it
        since the journal was applied: two journals never apply more than an entry's rest."""
        needed: dict[tuple[str, int], int] = defaultdict(int)
        for line in self.journal.lines:
            for application in line.applications:
                if application.entry_no is not None:
                    key = (application.account_type, application.entry_no)
                    needed[key] += abs(_entry_amount(application))
        for kind in PARTY_TYPES:
            wanted = sorted(no for (k, no) in needed if k == kind)
            if not wanted:
                continue
            states = ledger_repo.entry_states(self.session, party_ledger(kind), wanted, lock=True)
            for entry_no in wanted:
                state = states.get(entry_no)
                if state is not None:
                    self.states[(kind, entry_no)] = state
                left = abs(state.remaining) if state else 0
                if left < needed[(kind, entry_no)]:
                    raise ConflictError(
                        f"{kind} entry {entry_no} has {self._money(left)} left but journal "
                        f"{self.journal.id} applies {self._money(needed[(kind, entry_no)])} to "
                        "it; another posting applied it meanwhile: run `pay apply "
                        f"{self.journal.id}` again and review"
                    )
        self._check_transfers()
        for entry_no in sorted(no for (k, no) in needed if k == "bank"):
            bank_state = bank_entry_state(self.session, entry_no, lock=True)
            if bank_state is None or not bank_state.open:
                raise ConflictError(
                    f"bank entry {entry_no} is no longer open; run `pay apply "
                    f"{self.journal.id}` again and review"
                )

    def _check_transfers(self) -> None:
        """Each transfer's other bank can take it, and neither leg was posted meanwhile (by the
        other bank's journal, or as another transfer's other leg)."""
        transfers = [
            (line, a)
            for line in self.journal.lines
            for a in line.applications
            if a.account_type == "bank" and a.entry_no is None
        ]
        if not transfers:
            return
        statement_lines = {line.statement_line_id for line, _ in transfers} | {
            a.paired_line_id for _, a in transfers
        }
        taken = payment_repo.posted_transfer_legs(
            self.session, {no for no in statement_lines if no is not None}
        )
        for line, application in transfers:
            where = f"journal {self.journal.id} line {line.line_no}"
            self.transfer_banks[application.account_no] = self._other_bank(where, application)
            for leg in (line.statement_line_id, application.paired_line_id):
                posted_by = taken.get(leg) if leg is not None else None
                if posted_by is not None:
                    raise ConflictError(
                        f"{where}: this transfer was already posted by payment journal "
                        f"{posted_by}; run `pay apply {self.journal.id}` again to match the "
                        "bank entry that posting made"
                    )

    def _other_bank(self, where: str, application: PaymentApplication) -> BankAccount:
        other = self.session.get(BankAccount, application.account_no, with_for_update=True)
        if other is None or other.no == self.bank.no:
            raise PaymentJournalError(
                f"{where}: a transfer needs another of our bank accounts, not "
                f"{application.account_no!r}"
            )
        if other.blocked:
            raise PaymentJournalError(f"{where}: bank account {other.no} is blocked")
        return other

    def record_transfer_entries(self) -> None:
        """Each posted transfer remembers the other bank's entry it created."""
        self.session.flush()
        for application, entry in self.transfer_entries:
            application.counter_entry_no = entry.entry_no

    def _money(self, minor: int) -> str:
        return format_minor(minor, self.places)

    def post_line(self, line: PaymentJournalLine) -> None:
        party = [a for a in line.applications if a.account_type in PARTY_TYPES]
        bank = [a for a in line.applications if a.account_type == "bank"]
        accounts = [a for a in line.applications if a.account_type == "gl"]
        for application in bank:
            if application.entry_no is None:
                self._post_transfer(line, application)
            else:
                self.matched_bank_entries.append((application.entry_no, line.line_no))
        for application in accounts:
            self._post_to_gl(line, application)
        if party:
            self._post_payment(line, party)

    def _doc(self, line: PaymentJournalLine, document_type: str | None) -> DocumentInfo:
        return DocumentInfo(
            posting_date=line.transaction_date,
            document_no=self.document_no,
            document_type=document_type,
            external_document_no=(line.end_to_end_id or line.bank_transaction_id)[:35],
            description=(line.text or line.counterparty_name)[:100],
        )

    def _bank_leg(self, line: PaymentJournalLine, amount: int, balancing: tuple[str, str]) -> None:
        rate_lcy = self._bank_lcy(amount, line.transaction_date)
        entry = self.writer.bank_entry(
            self.bank, self._doc(line, None), amount, rate_lcy, balancing=balancing
        )
        self.new_bank_entries.append((line.line_no, entry))

    def _bank_lcy(self, amount: int, on: date) -> int:
        return self._lcy(amount, self.bank.currency_code, on)

    def _lcy(self, amount: int, currency: str, on: date) -> int:
        if currency == self.setup.lcy:
            return amount
        rate = self.setup.rate(currency, on)
        if rate is None:
            from bankrec.errors import MissingExchangeRateError

            raise MissingExchangeRateError(
                f"no {currency} exchange rate on or before {on}; add one with "
                f"`bankrec rate add {currency} --date {on} --rate RATE`"
            )
        return self.setup.to_lcy(amount, currency, rate)

    def _post_to_gl(self, line: PaymentJournalLine, application: PaymentApplication) -> None:
        amount = application.applied_minor
        amount_lcy = self._bank_lcy(amount, line.transaction_date)
        self.writer.gl(
            application.account_no,
            self._doc(line, None),
            -amount_lcy,
            currency=self.bank.currency_code,
            source_amount=-amount,
        )
        self._bank_leg(line, amount, ("gl", application.account_no))

    def _post_transfer(self, line: PaymentJournalLine, application: PaymentApplication) -> None:
        """Both legs of a transfer to another of our banks under the journal's document no.;
        between currencies, the local values of the legs differ by the realized exchange
        result, posted to the company's gains or losses account."""
        other = self.transfer_banks[application.account_no]
        sent = application.applied_minor
        received = application.received_minor
        if received is None:
            received = -sent if other.currency_code == self.bank.currency_code else None
        if received is None:
            raise PaymentJournalError(
                f"journal {self.journal.id} line {line.line_no}: the transfer to {other.no} "
                f"does not say what {other.no} received in {other.currency_code}; apply the "
                "line again once its statement is imported"
            )
        sent_lcy = self._bank_lcy(sent, line.transaction_date)
        self._bank_leg(line, sent, ("bank", other.no))
        received_lcy = self._lcy(received, other.currency_code, line.transaction_date)
        direction = "from" if received > 0 else "to"
        doc = self._doc(line, None)
        counter = self.writer.bank_entry(
            other,
            DocumentInfo(
                doc.posting_date,
                doc.document_no,
                external_document_no=doc.external_document_no,
                description=f"Transfer {direction} {self.bank.no}: {doc.description}"[:100],
            ),
            received,
            received_lcy,
            balancing=("bank", self.bank.no),
        )
        self.transfer_entries.append((application, counter))
        result = sent_lcy + received_lcy
        if result:
            account = self.setup.account_setting(
                "realized_gains_account" if result > 0 else "realized_losses_account",
                "the exchange difference of a transfer",
            )
            self.writer.gl(
                account,
                DocumentInfo(
                    doc.posting_date,
                    doc.document_no,
                    description=f"Exchange difference, transfer {self.bank.no} {other.no}",
                ),
                -result,
            )

    def _post_payment(self, line: PaymentJournalLine, party: list[PaymentApplication]) -> None:
        """One payment (or refund) entry for the line's party part, applied to each entry it
        pays, in the order the journal holds them (due date order for groups)."""
        kind = party[0].account_type
        party_no = party[0].account_no
        ledger = party_ledger(kind)
        bank_amount = sum(a.applied_minor - a.discount_minor for a in party)
        entry_currency, entry_amount = self._entry_side(party, bank_amount)
        amount_lcy = self._bank_lcy(bank_amount, line.transaction_date)
        refund = (kind == "customer") == (bank_amount < 0)
        doc = self._doc(line, "refund" if refund else "payment")
        payment = self.writer.party_entry(
            ledger,
            party_no,
            doc,
            PartyAmounts(currency=entry_currency, amount=-entry_amount, amount_lcy=-amount_lcy),
        )
        self._bank_leg(line, bank_amount, (kind, party_no))
        self.writer.flush()
        self.payments += 1
        # On-account parts (no entry) stay open on the payment entry.
        targets = [a for a in party if a.entry_no is not None]
        batches = [targets] if self._fills_in_order(targets) else [[a] for a in targets]
        for batch in batches:
            limit = sum(abs(_entry_amount(a)) - abs(self._entry_discount(a)) for a in batch)
            # The discounts the journal decided on (possibly held for an exported payment).
            granted = {a.entry_no for a in batch if a.entry_no and a.discount_minor}
            try:
                apply_entries(
                    self.writer,
                    ledger,
                    payment.entry_no,
                    [a.entry_no for a in batch if a.entry_no is not None],
                    line.transaction_date,
                    amount_limit=limit,
                    granted_discounts=granted,
                )
            except ApplicationError as exc:
                raise ApplicationError(
                    f"journal {self.journal.id} line {line.line_no}: {exc.message}"
                ) from None
            self.applications += 1

    def _fills_in_order(self, targets: list[PaymentApplication]) -> bool:
        """Whether one application of the payment to all targets, in order, gives each exactly
        its share: every target but the last is paid whole. Then the line posts as one
        application (as Business Central applies one payment to a set of entries)."""
        for application in targets[:-1]:
            assert application.entry_no is not None
            state = self.states[(application.account_type, application.entry_no)]
            if abs(_entry_amount(application)) != abs(state.remaining):
                return False
        return bool(targets)

    def _entry_side(self, party: list[PaymentApplication], bank_amount: int) -> tuple[str, int]:
        """The payment entry's currency and amount: the bank's, or for a local bank paying a
        foreign entry, that entry's currency at what the bank actually paid (so the
        application realises the exchange difference)."""
        currencies = {
            self.states[(a.account_type, a.entry_no)].entry.currency_code
            for a in party
            if a.entry_no is not None
        }
        bank_currency = self.bank.currency_code
        if not currencies or currencies == {bank_currency}:
            return bank_currency, bank_amount
        if len(currencies) > 1:
            raise PaymentJournalError(
                f"journal {self.journal.id}: a line pays entries in {', '.join(sorted(currencies))}"
                "; apply entries of one currency per line"
            )
        on_account = sum(a.applied_minor for a in party if a.entry_no is None)
        if on_account:
            raise PaymentJournalError(
                f"journal {self.journal.id}: an on-account rest cannot go with a foreign-currency "
                "application; transfer the difference to an account instead"
            )
        amount = sum(_entry_amount(a) - self._entry_discount(a) for a in party)
        return currencies.pop(), amount

    def _entry_discount(self, application: PaymentApplication) -> int:
        """The discount in the entry's currency: a foreign entry's whole remaining discount
        (a discount is only ever taken whole), else the application's own figure."""
        if not application.discount_minor or application.applied_entry_minor is None:
            return application.discount_minor
        assert application.entry_no is not None
        state = self.states[(application.account_type, application.entry_no)]
        return state.discount_remaining

    def close_bank_entries(self, statement_no: int, closed_at: date) -> None:
        """Reconcile mode: the new bank entries and the matched earlier ones are closed on the
        new statement, each with its line."""
        now = datetime.now(UTC)
        self.session.flush()
        rows = [(line_no, entry.entry_no) for line_no, entry in self.new_bank_entries]  # type: ignore[attr-defined]
        rows += [(line_no, entry_no) for entry_no, line_no in self.matched_bank_entries]
        for line_no, entry_no in rows:
            self.session.add(
                BankEntryStatus(
                    entry_no=entry_no,
                    status=StatementStatus.CLOSED.value,
                    statement_no=statement_no,
                    statement_line_no=line_no,
                    closed_at_date=closed_at,
                    changed_at=now,
                )
            )


def _entry_amount(application: PaymentApplication) -> int:
    """What the application takes of the entry, in the entry's currency."""
    if application.applied_entry_minor is not None:
        return application.applied_entry_minor
    return application.applied_minor
