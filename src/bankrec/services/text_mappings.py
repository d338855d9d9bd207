"""Text-to-account mappings (BC 6): a text found in a statement line sends it to an account.

A G/L mapping names the account for money in (debit) and for money out (credit); a customer,
vendor or bank mapping names the party. Texts are unique case-insensitively.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from bankrec.db.ledgers import party_ledger
from bankrec.db.models import BankAccount, GLAccount, TextMapping
from bankrec.errors import BlockedError, InputError, NotFoundError
from bankrec.matching.model import AccountType as MappingTarget
from bankrec.matching.model import TextMapping as EngineMapping
from bankrec.services.database import Database

MAX_TEXT = 250


@dataclass(frozen=True)
class MappingView:
    id: int
    text: str
    target_type: str
    debit_gl: str | None
    credit_gl: str | None
    account_no: str | None
    created_at: datetime

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "target_type": self.target_type,
            "debit_gl": self.debit_gl,
            "credit_gl": self.credit_gl,
            "account_no": self.account_no,
            "created_at": self.created_at.isoformat(timespec="seconds"),
        }


def mapping_key(text: str) -> str:
    """What two mapping texts are compared by: trimmed and case-folded."""
    return text.strip().casefold()


def _view(row: TextMapping) -> MappingView:
    return MappingView(
        row.id,
        row.mapping_text,
        row.target_type,
        row.debit_gl_no,
        row.credit_gl_no,
        row.party_no,
        row.created_at,
    )


def _target(
    gl_debit: str | None,
    gl_credit: str | None,
    customer: str | None,
    vendor: str | None,
    bank: str | None,
) -> tuple[str, str | None]:
    given = [
        kind
        for kind, value in (
            ("gl", gl_debit or gl_credit),
            ("customer", customer),
            ("vendor", vendor),
            ("bank", bank),
        )
        if value
    ]
    if len(given) != 1:
        what = "none" if not given else " and ".join(given)
        raise InputError(
            f"a mapping needs exactly one target, got {what}; give --gl-debit and/or "
            "--gl-credit, or --customer, or --vendor, or --bank"
        )
    kind = given[0]
    return kind, {"customer": customer, "vendor": vendor, "bank": bank}.get(kind)


def _check_gl(session: Session, no: str, side: str) -> None:
    account = session.get(GLAccount, no)
    if account is None:
        raise NotFoundError(
            f"G/L account {no} (given as the {side} account) does not exist; see `bankrec gl list`"
        )
    if account.blocked:
        raise BlockedError(f"G/L account {no} ({account.name}) is blocked")
    if not account.direct_posting:
        raise BlockedError(
            f"G/L account {no} ({account.name}) does not allow direct posting; map to an account "
            "that does"
        )


def _check_party(session: Session, kind: str, no: str) -> None:
    if kind == "bank":
        bank = session.get(BankAccount, no)
        if bank is None:
            raise NotFoundError(f"bank account {no} does not exist; see `bankrec bank list`")
        if bank.blocked:
            raise BlockedError(f"bank account {no} ({bank.name}) is blocked")
        return
    party = session.get(party_ledger(kind).party, no)
    if party is None:
        raise NotFoundError(f"{kind} {no} does not exist; see `bankrec {kind} list`")
    if party.blocked:
        raise BlockedError(f"{kind} {no} ({party.name}) is blocked")


def _clean_text(text: str) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise InputError("the mapping text is blank; give the text to look for")
    if len(cleaned) > MAX_TEXT or len(mapping_key(cleaned)) > MAX_TEXT:
        raise InputError(f"the mapping text is longer than {MAX_TEXT} characters")
    return cleaned


def add_mapping_in(
    session: Session,
    text: str,
    *,
    gl_debit: str | None = None,
    gl_credit: str | None = None,
    customer: str | None = None,
    vendor: str | None = None,
    bank: str | None = None,
) -> MappingView:
    cleaned = _clean_text(text)
    kind, party_no = _target(gl_debit, gl_credit, customer, vendor, bank)
    if kind == "gl":
        for no, side in ((gl_debit, "debit"), (gl_credit, "credit")):
            if no:
                _check_gl(session, no, side)
    else:
        assert party_no is not None
        _check_party(session, kind, party_no)
    key = mapping_key(cleaned)
    existing = session.scalars(select(TextMapping).where(TextMapping.mapping_key == key)).first()
    if existing is not None:
        raise InputError(
            f'a mapping for "{existing.mapping_text}" already exists (id {existing.id}); '
            f"texts are compared without case; remove it first with `bankrec map remove "
            f"{existing.id}`"
        )
    row = TextMapping(
        mapping_text=cleaned,
        mapping_key=key,
        target_type=kind,
        debit_gl_no=(gl_debit or None) if kind == "gl" else None,
        credit_gl_no=(gl_credit or None) if kind == "gl" else None,
        party_no=party_no,
        created_at=datetime.now(UTC),
    )
    session.add(row)
    session.flush()
    return _view(row)


def add_mapping(
    db: Database,
    text: str,
    *,
    gl_debit: str | None = None,
    gl_credit: str | None = None,
    customer: str | None = None,
    vendor: str | None = None,
    bank: str | None = None,
) -> MappingView:
    """Add a mapping of ``text`` to exactly one target: G/L debit and/or credit accounts, or a
    customer, a vendor or a bank account."""
    with db.transaction() as session:
        return add_mapping_in(
            session,
            text,
            gl_debit=gl_debit,
            gl_credit=gl_credit,
            customer=customer,
            vendor=vendor,
            bank=bank,
        )


def list_mappings(db: Database) -> list[MappingView]:
    with db.reading() as session:
        return [_view(row) for row in session.scalars(select(TextMapping).order_by(TextMapping.id))]


def remove_mapping(db: Database, mapping_id: int) -> MappingView:
    with db.transaction() as session:
        row = session.get(TextMapping, mapping_id)
        if row is None:
            raise NotFoundError(f"text mapping {mapping_id} does not exist; see `bankrec map list`")
        view = _view(row)
        session.delete(row)
        return view


def load_mappings(session: Session) -> tuple[EngineMapping, ...]:
    """Every mapping, oldest first, as the matching engine takes them."""
    rows = session.scalars(select(TextMapping).order_by(TextMapping.id))
    return tuple(
        EngineMapping(
            mapping_id=row.id,
            text=row.mapping_text,
            # The table's CHECK holds target_type to gl, customer, vendor or bank.
            target_type=cast(MappingTarget, row.target_type),
            debit_account=row.debit_gl_no or "",
            credit_account=row.credit_gl_no or "",
            party_no=row.party_no or "",
        )
        for row in rows
    )
