"""Append the rows of one ledger transaction. The caller's unit of work commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from bankrec.db.ledgers import PartyLedger
from bankrec.db.models import BankAccount, BankLedgerEntry, GLEntry, GLRegister
from bankrec.db.models_ledger import PartyEntryMixin
from bankrec.db.setup_repo import LedgerSetup
from bankrec.domain.kinds import DetailedEntryType, TransactionSource


@dataclass(frozen=True)
class DocumentInfo:
    """What every entry of one document line carries."""

    posting_date: date
    document_no: str
    document_type: str | None = None
    external_document_no: str = ""
    description: str = ""


@dataclass(frozen=True)
class PartyAmounts:
    """A new customer or vendor entry's amounts and terms (minor units, signed)."""

    currency: str
    amount: int
    amount_lcy: int
    due_date: date | None = None
    discount_date: date | None = None
    discount_possible: int = 0
    max_tolerance: int = 0


class TransactionWriter:
    """Opens a register row (the transaction no.) and appends entries under it."""

    def __init__(
        self,
        session: Session,
        setup: LedgerSetup,
        source: TransactionSource,
        user: str,
        description: str = "",
        posting_date: date | None = None,
    ) -> None:
        self.session = session
        self.setup = setup
        self.posting_date = posting_date
        self.register = GLRegister(
            posted_at=datetime.now(UTC),
            user_name=user,
            source=source.value,
            description=description[:250],
        )
        session.add(self.register)
        session.flush()
        self.transaction_no = self.register.transaction_no
        self.gl_entries: list[GLEntry] = []
        self.counts: dict[str, int] = {}
        # Initial detailed rows wait for their entry's number until the next flush, so that a
        # large posting inserts its entries in batches instead of one round trip each.
        self._pending_initial: list[tuple[PartyLedger, PartyEntryMixin, date]] = []

    def _count(self, ledger: str) -> None:
        self.counts[ledger] = self.counts.get(ledger, 0) + 1

    def gl(
        self,
        account_no: str,
        doc: DocumentInfo,
        amount_lcy: int,
        *,
        currency: str | None = None,
        source_amount: int | None = None,
        source: tuple[str, str] | None = None,
        application_id: int | None = None,
    ) -> None:
        foreign = currency is not None and currency != self.setup.lcy
        entry = GLEntry(
            transaction_no=self.transaction_no,
            gl_account_no=account_no,
            posting_date=doc.posting_date,
            document_type=doc.document_type,
            document_no=doc.document_no,
            external_document_no=doc.external_document_no,
            description=doc.description,
            amount_minor=amount_lcy,
            currency_code=currency if foreign else None,
            source_amount_minor=source_amount if foreign else None,
            source_type=source[0] if source else None,
            source_no=source[1] if source else None,
            application_id=application_id,
        )
        self.session.add(entry)
        self.gl_entries.append(entry)
        self._count("gl")

    def bank_entry(
        self,
        bank: BankAccount,
        doc: DocumentInfo,
        amount: int,
        amount_lcy: int,
        *,
        balancing: tuple[str, str] | None = None,
        check_no: str | None = None,
        reversed_entry_no: int | None = None,
    ) -> BankLedgerEntry:
        """A bank ledger entry and its G/L entry on the bank's G/L account."""
        entry = BankLedgerEntry(
            transaction_no=self.transaction_no,
            bank_no=bank.no,
            posting_date=doc.posting_date,
            document_type=doc.document_type,
            document_no=doc.document_no,
            external_document_no=doc.external_document_no,
            description=doc.description,
            currency_code=bank.currency_code,
            amount_minor=amount,
            amount_lcy_minor=amount_lcy,
            check_no=check_no,
            bal_account_type=balancing[0] if balancing else None,
            bal_account_no=balancing[1] if balancing else None,
            reversed_entry_no=reversed_entry_no,
        )
        self.session.add(entry)
        self._count("bank")
        self.gl(
            bank.gl_account_no,
            doc,
            amount_lcy,
            currency=bank.currency_code,
            source_amount=amount,
            source=("bank", bank.no),
        )
        return entry

    def party_entry(
        self,
        ledger: PartyLedger,
        party_no: str,
        doc: DocumentInfo,
        amounts: PartyAmounts,
        *,
        reversed_entry_no: int | None = None,
    ) -> PartyEntryMixin:
        """A customer or vendor entry, its initial detailed row and its control-account G/L.

        The entry has its ``entry_no`` only after ``flush``.
        """
        entry = ledger.entry(
            transaction_no=self.transaction_no,
            party_no=party_no,
            posting_date=doc.posting_date,
            document_type=doc.document_type,
            document_no=doc.document_no,
            external_document_no=doc.external_document_no,
            description=doc.description,
            currency_code=amounts.currency,
            amount_minor=amounts.amount,
            amount_lcy_minor=amounts.amount_lcy,
            due_date=amounts.due_date,
            pmt_discount_date=amounts.discount_date,
            pmt_discount_possible_minor=amounts.discount_possible,
            max_payment_tolerance_minor=amounts.max_tolerance,
            reversed_entry_no=reversed_entry_no,
        )
        self.session.add(entry)
        self._pending_initial.append((ledger, entry, doc.posting_date))
        self._count(ledger.kind.value)
        self.gl(
            self.setup.control_account(ledger),
            doc,
            amounts.amount_lcy,
            currency=amounts.currency,
            source_amount=amounts.amount,
            source=(ledger.kind.value, party_no),
        )
        return entry

    def detailed(
        self,
        ledger: PartyLedger,
        entry_no: int,
        entry_type: DetailedEntryType,
        posting_date: date,
        amount: int,
        amount_lcy: int,
        application_id: int | None = None,
    ) -> None:
        self.session.add(
            ledger.detailed(
                entry_no=entry_no,
                transaction_no=self.transaction_no,
                application_id=application_id,
                entry_type=entry_type.value,
                posting_date=posting_date,
                amount_minor=amount,
                amount_lcy_minor=amount_lcy,
            )
        )

    def flush(self) -> None:
        """Insert what is pending; afterwards every entry written so far has its number."""
        self.session.flush()
        if not self._pending_initial:
            return
        for ledger, entry, posting_date in self._pending_initial:
            self.detailed(
                ledger,
                entry.entry_no,
                DetailedEntryType.INITIAL,
                posting_date,
                entry.amount_minor,
                entry.amount_lcy_minor,
            )
        self._pending_initial.clear()
        self.session.flush()

    def lcy_total(self) -> int:
        return sum(e.amount_minor for e in self.gl_entries)
