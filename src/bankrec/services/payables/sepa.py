"""An ISO 20022 pain.001.001.03 credit transfer file (SEPA), built with ``sepaxml`` and checked
against the schema ``sepaxml`` ships before anyone writes it.

Pure: no database. Amounts are integer cents (SEPA credit transfers are in euro).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from bankrec.errors import InputError

SCHEMA = "pain.001.001.03"
NAMESPACE = f"urn:iso:std:iso:20022:tech:xsd:{SCHEMA}"
SEPA_CURRENCY = "EUR"
MAX_ID = 35
"""Max35Text: the longest message, payment information and end-to-end id the schema allows."""


@dataclass(frozen=True)
class Debtor:
    """Who pays: the company, from one of its bank accounts."""

    name: str
    iban: str
    bic: str = ""


@dataclass(frozen=True)
class Transfer:
    """One credit transfer: ``amount`` in cents to ``iban``, reported back with
    ``end_to_end_id``; ``remittance`` is the unstructured text the vendor sees."""

    end_to_end_id: str
    name: str
    iban: str
    amount: int
    remittance: str


def credit_transfer_file(
    debtor: Debtor, message_id: str, execution_date: date, transfers: list[Transfer]
) -> bytes:
    """The pain.001.001.03 document for ``transfers`` (one batch), already schema-valid."""
    from sepaxml import SepaTransfer

    config: dict[str, object] = {
        "name": debtor.name,
        "IBAN": _compact(debtor.iban),
        "batch": True,
        "currency": SEPA_CURRENCY,
    }
    if debtor.bic:
        config["BIC"] = _compact(debtor.bic)
    document = SepaTransfer(config, schema=SCHEMA, clean=True)
    for transfer in transfers:
        document.add_payment(
            {
                "name": transfer.name,
                "IBAN": _compact(transfer.iban),
                "amount": transfer.amount,
                "execution_date": execution_date,
                "description": transfer.remittance,
                # Set explicitly: sepaxml would otherwise write NOTPROVIDED.
                "endtoend_id": transfer.end_to_end_id,
            }
        )
    raw: bytes = document.export(validate=False)
    content = _with_ids(raw, message_id)
    validate(content)
    return content


def _compact(code: str) -> str:
    return "".join(code.split()).upper()


def _with_ids(raw: bytes, message_id: str) -> bytes:
    """Our message id (sepaxml makes a random one) in the header and the payment information,
    so the file can be traced to its export record; and, without a debtor BIC, the agent
    marked NOTPROVIDED as the SEPA rulebook asks (IBAN-only transfers)."""
    ET.register_namespace("", NAMESPACE)
    root = ET.fromstring(raw)  # our own output, just built above
    for path in ("GrpHdr/MsgId", "PmtInf/PmtInfId"):
        _node(root, path).text = message_id
    agent = _node(root, "PmtInf/DbtrAgt/FinInstnId")
    if not len(agent):
        other = ET.SubElement(agent, f"{{{NAMESPACE}}}Othr")
        ET.SubElement(other, f"{{{NAMESPACE}}}Id").text = "NOTPROVIDED"
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body + b"\n"


def _node(root: ET.Element, path: str) -> ET.Element:
    steps = ["CstmrCdtTrfInitn", *path.split("/")]
    node = root.find("/".join(f"{{{NAMESPACE}}}{step}" for step in steps))
    assert node is not None, f"sepaxml always writes {path}"
    return node


@cache
def _schema() -> object:
    import sepaxml
    import xmlschema

    path = Path(sepaxml.__file__).parent / "schemas" / f"{SCHEMA}.xsd"
    return xmlschema.XMLSchema(str(path))


def validate(content: bytes) -> None:
    """Refuse a document the pain.001.001.03 schema rejects, naming the first problem."""
    import xmlschema

    schema = _schema()
    assert isinstance(schema, xmlschema.XMLSchema)
    try:
        schema.validate(content.decode("utf-8"))
    except xmlschema.XMLSchemaValidationError as exc:
        raise InputError(
            f"the payment file does not validate against {SCHEMA}: {exc.reason} at "
            f"{exc.path}; check the IBANs, BIC and names involved"
        ) from None
