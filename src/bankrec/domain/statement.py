"""A bank statement as every importer delivers it, whatever the file format.

Sign convention, written once: a line's ``amount`` is its effect on the bank balance. Money in
is positive, money out negative. Importers normalise CAMT ``CdtDbtInd``, MT940 ``C``/``D``/
``RC``/``RD`` and OFX signed amounts to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Balance:
    """A balance the file states, signed like line amounts (overdrawn is negative)."""

    amount: Decimal
    date: date | None = None


@dataclass(frozen=True, slots=True)
class StatementLine:
    """One transaction on a statement, normalised.

    ``position`` says where it sits in the file (``line 14``, ``Stmt[1]/Ntry[3]/TxDtls[2]``,
    ``STMTTRN 7``) so that problems and the stored raw record can be traced back. ``raw`` is
    the file's own text of the record.
    """

    booking_date: date
    amount: Decimal
    currency: str
    value_date: date | None = None
    counterparty_name: str = ""
    counterparty_account: str = ""
    """IBAN (compact, upper case) or other account number of the other party."""
    counterparty_bic: str = ""
    counterparty_address: str = ""
    counterparty_city: str = ""
    remittance: str = ""
    """Free remittance text (CAMT Ustrd, MT940 :86: purpose, OFX NAME/MEMO)."""
    structured_reference: str = ""
    """Creditor reference: ISO 11649 RF or a national one (ESR/QRR, OGM/VCS, KID ...)."""
    end_to_end_id: str = ""
    bank_reference: str = ""
    """The bank's own id of the transaction: OFX FITID, CAMT AcctSvcrRef, MT940 bank reference."""
    transaction_code: str = ""
    check_no: str = ""
    original_amount: Decimal | None = None
    """The amount before the bank converted it, in ``original_currency``, signed like ``amount``."""
    original_currency: str = ""
    charges: Decimal | None = None
    """What the bank charged on this transaction, as a positive cost in the line's currency."""
    batch_reference: str = ""
    reversal: bool = False
    position: str = ""
    raw: str = ""


@dataclass(frozen=True)
class ParsedStatement:
    """One statement (or report) of one account in a file."""

    currency: str
    lines: tuple[StatementLine, ...]
    account_iban: str = ""
    account_no: str = ""
    """Other account identification (OFX ACCTID, MT940 :25:, CAMT Othr/Id)."""
    statement_id: str = ""
    """The file's own id or sequence number for the statement (CAMT Id/ElctrncSeqNb, :28C:)."""
    opening: Balance | None = None
    closing: Balance | None = None
    period_start: date | None = None
    period_end: date | None = None
    position: str = ""


@dataclass(frozen=True)
class ParsedFile:
    """Everything one file held; ``format`` names the importer that read it."""

    format: str
    statements: tuple[ParsedStatement, ...] = field(default_factory=tuple)

    @property
    def line_count(self) -> int:
        return sum(len(s.lines) for s in self.statements)
