"""Apply and unapply customer and vendor entries, posting discounts, tolerance and realized FX.

An application only appends rows: detailed entries that reduce the remaining amounts, and G/L
entries for what the application realises (discount, tolerance, exchange difference). Unapplying
appends the exact negation of those rows, so history stays complete and balances return exactly.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date

from sqlalchemy import select

from bankrec.db import ledger_repo
from bankrec.db.ledger_repo import EntryState
from bankrec.db.ledgers import PartyLedger
from bankrec.db.models import Application, GLEntry, Unapplication
from bankrec.domain.application import EntryChange, OpenItem, lcy_share, plan_application, split_lcy
from bankrec.domain.kinds import AccountType, DetailedEntryType
from bankrec.errors import ApplicationError
from bankrec.services.posting.writer import DocumentInfo, TransactionWriter


def _open_item(state: EntryState, discount_until: date | None = None) -> OpenItem:
    """``discount_until`` moves the discount date later: a discount the caller has granted."""
    entry = state.entry
    discount_date = entry.pmt_discount_date
    if discount_until is not None and discount_date is not None:
        discount_date = max(discount_date, discount_until)
    return OpenItem(
        entry_no=entry.entry_no,
        posting_date=entry.posting_date,
        remaining=state.remaining,
        remaining_lcy=state.remaining_lcy,
        discount_date=discount_date,
        discount_remaining=state.discount_remaining,
        max_tolerance=entry.max_payment_tolerance_minor,
    )


def _describe(ledger: PartyLedger, state: EntryState) -> str:
    entry = state.entry
    return f"{ledger.kind} entry {entry.entry_no} ({entry.document_no or 'no document'})"


def _check_pair(ledger: PartyLedger, applying: EntryState, target: EntryState) -> None:
    a, t = applying.entry, target.entry
    if t.entry_no == a.entry_no:
        raise ApplicationError(f"{_describe(ledger, applying)} cannot be applied to itself")
    if t.party_no != a.party_no:
        raise ApplicationError(
            f"{_describe(ledger, target)} belongs to {ledger.kind} {t.party_no}, not "
            f"{a.party_no}; apply entries of one {ledger.kind} only"
        )
    if t.currency_code != a.currency_code:
        raise ApplicationError(
            f"{_describe(ledger, target)} is in {t.currency_code} but "
            f"{_describe(ledger, applying)} is in {a.currency_code}; post the payment in "
            f"{t.currency_code}"
        )
    if not target.open:
        raise ApplicationError(f"{_describe(ledger, target)} is already closed")
    if (target.remaining > 0) == (applying.remaining > 0):
        raise ApplicationError(
            f"{_describe(ledger, target)} and {_describe(ledger, applying)} have the same sign; "
            "a payment applies to an invoice, a refund to a credit memo"
        )


def apply_entries(
    writer: TransactionWriter,
    ledger: PartyLedger,
    applying_entry_no: int,
    target_entry_nos: Sequence[int],
    on: date,
    amount_limit: int | None = None,
    granted_discounts: Collection[int] = (),
) -> Application:
    """Apply one entry to others of the same party, in the order given, within ``writer``.

    The targets in ``granted_discounts`` get their remaining payment discount even after its
    date (BC: the payment journal's applied discount is written to the entry before posting).
    """
    states = ledger_repo.entry_states(
        writer.session, ledger, [applying_entry_no, *target_entry_nos], lock=True
    )
    applying = states[applying_entry_no]
    if not applying.open:
        raise ApplicationError(f"{_describe(ledger, applying)} is already fully applied")
    targets = [states[no] for no in target_entry_nos]
    for target in targets:
        _check_pair(ledger, applying, target)
    plan = plan_application(
        _open_item(applying),
        [_open_item(t, on if t.entry.entry_no in granted_discounts else None) for t in targets],
        on,
        amount_limit,
    )
    if plan.applying.total == 0:
        raise ApplicationError(f"nothing to apply from {_describe(ledger, applying)}")
    application = Application(
        ledger=ledger.kind.value,
        applying_entry_no=applying_entry_no,
        posting_date=on,
        transaction_no=writer.transaction_no,
    )
    writer.session.add(application)
    writer.session.flush()
    doc = DocumentInfo(
        posting_date=on,
        document_no=applying.entry.document_no,
        document_type=applying.entry.document_type,
        description=f"Application of {applying.entry.document_no}",
    )
    _Posting(
        writer, ledger, application.id, doc, applying.entry.party_no, applying.entry.currency_code
    ).post(applying, targets, plan.applying, plan.targets)
    return application


class _Posting:
    """Writes the detailed rows and G/L of one planned application."""

    def __init__(
        self,
        writer: TransactionWriter,
        ledger: PartyLedger,
        application_id: int,
        doc: DocumentInfo,
        party_no: str,
        currency: str,
    ) -> None:
        self.writer = writer
        self.ledger = ledger
        self.application_id = application_id
        self.doc = doc
        self.party_no = party_no
        self.currency = currency

    def post(
        self,
        applying: EntryState,
        targets: list[EntryState],
        applying_change: EntryChange,
        target_changes: Sequence[EntryChange],
    ) -> None:
        applied_lcy = 0
        for target, change in zip(targets, target_changes, strict=True):
            if change.total:
                applied_lcy += self._post_target(target, change)
        own_lcy = lcy_share(_open_item(applying), applying_change.total)
        applied_share, tolerance_lcy = split_lcy(
            own_lcy, [applying_change.applied, applying_change.tolerance]
        )
        entry_no = applying.entry.entry_no
        self._detailed(
            entry_no, DetailedEntryType.APPLICATION, applying_change.applied, -applied_lcy
        )
        self._realise_tolerance(entry_no, applying_change.tolerance, tolerance_lcy)
        self._realise_fx(entry_no, applied_share + applied_lcy)

    def _post_target(self, target: EntryState, change: EntryChange) -> int:
        lcy = lcy_share(_open_item(target), change.total)
        applied_lcy, discount_lcy, tolerance_lcy = split_lcy(
            lcy, [change.applied, change.discount, change.tolerance]
        )
        entry_no = target.entry.entry_no
        self._detailed(entry_no, DetailedEntryType.APPLICATION, change.applied, applied_lcy)
        if change.discount:
            self._detailed(
                entry_no, DetailedEntryType.PAYMENT_DISCOUNT, change.discount, discount_lcy
            )
            account_field = (
                "payment_discount_debit_account"
                if self.ledger.kind == AccountType.CUSTOMER
                else "payment_discount_credit_account"
            )
            self._gl_pair(account_field, "payment discounts", discount_lcy, change.discount)
        self._realise_tolerance(entry_no, change.tolerance, tolerance_lcy)
        return applied_lcy

    def _realise_tolerance(self, entry_no: int, amount: int, amount_lcy: int) -> None:
        if not amount:
            return
        self._detailed(entry_no, DetailedEntryType.PAYMENT_TOLERANCE, amount, amount_lcy)
        # The counter-posting is a debit (an expense) when the payer paid less than owed.
        field = (
            "payment_tolerance_debit_account"
            if -amount_lcy > 0
            else "payment_tolerance_credit_account"
        )
        self._gl_pair(field, "payment tolerance", amount_lcy, amount)

    def _realise_fx(self, entry_no: int, fx_lcy: int) -> None:
        if not fx_lcy:
            return
        self._detailed(entry_no, DetailedEntryType.REALIZED_FX, 0, fx_lcy)
        field = "realized_losses_account" if -fx_lcy > 0 else "realized_gains_account"
        self._gl_pair(field, "realized exchange differences", fx_lcy, 0)

    def _detailed(self, entry_no: int, kind: DetailedEntryType, amount: int, lcy: int) -> None:
        if amount or lcy:
            self.writer.detailed(
                self.ledger,
                entry_no,
                kind,
                self.doc.posting_date,
                amount,
                lcy,
                self.application_id,
            )

    def _gl_pair(self, account_field: str, purpose: str, control_lcy: int, amount: int) -> None:
        """Post ``control_lcy`` to the ledger's control account and the opposite to the setup
        account named by ``account_field``."""
        setup = self.writer.setup
        counter_account = setup.account_setting(account_field, purpose)
        source = (self.ledger.kind.value, self.party_no)
        self.writer.gl(
            setup.control_account(self.ledger),
            self.doc,
            control_lcy,
            currency=self.currency,
            source_amount=amount,
            source=source,
            application_id=self.application_id,
        )
        self.writer.gl(
            counter_account,
            self.doc,
            -control_lcy,
            currency=self.currency,
            source_amount=-amount,
            source=source,
            application_id=self.application_id,
        )


def unapply_application(
    writer: TransactionWriter, ledger: PartyLedger, application: Application
) -> None:
    """Append the negation of every row ``application`` wrote and record the unapplication."""
    session = writer.session
    detailed = ledger.detailed
    rows = session.scalars(
        select(detailed)
        .where(
            detailed.application_id == application.id,
            detailed.transaction_no == application.transaction_no,
        )
        .order_by(detailed.id)
    ).all()
    for row in rows:
        writer.detailed(
            ledger,
            row.entry_no,
            DetailedEntryType(row.entry_type),
            writer_date(writer, application),
            -row.amount_minor,
            -row.amount_lcy_minor,
            application.id,
        )
    gl_rows = session.scalars(
        select(GLEntry)
        .where(
            GLEntry.application_id == application.id,
            GLEntry.transaction_no == application.transaction_no,
        )
        .order_by(GLEntry.entry_no)
    ).all()
    for gl in gl_rows:
        doc = DocumentInfo(
            posting_date=writer_date(writer, application),
            document_no=gl.document_no,
            document_type=gl.document_type,
            description=f"Unapply {gl.description}".strip(),
        )
        writer.gl(
            gl.gl_account_no,
            doc,
            -gl.amount_minor,
            currency=gl.currency_code,
            source_amount=None if gl.source_amount_minor is None else -gl.source_amount_minor,
            source=(gl.source_type, gl.source_no) if gl.source_type and gl.source_no else None,
            application_id=application.id,
        )
    session.add(Unapplication(application_id=application.id, transaction_no=writer.transaction_no))
    session.flush()


def writer_date(writer: TransactionWriter, application: Application) -> date:
    """Unapplications post on the date the writer was opened for, else the application's date."""
    return writer.posting_date or application.posting_date
