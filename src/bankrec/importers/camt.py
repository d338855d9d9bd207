"""Read ISO 20022 bank-to-customer cash management messages: camt.053 statements, camt.052
account reports and camt.054 debit/credit notifications, versions 001.01 to 001.13.

Spec: ISO 20022 Message Definition Report "Bank-to-Customer Cash Management" (camt.052, camt.053,
camt.054), with the EPC, Swiss SPS and German DK implementation guides for the national parts.

How the message maps to the normalised statement:

- The message type and version come from the document namespace
  (``urn:iso:std:iso:20022:tech:xsd:camt.05x.001.NN``), never from the file name; a document in
  any other namespace is refused. Each ``Stmt`` (053), ``Rpt`` (052) or ``Ntfctn`` (054) becomes
  one ``ParsedStatement``: account ``Acct/Id/IBAN`` or ``Acct/Id/Othr/Id``, currency
  ``Acct/Ccy`` (else that of the balances, else of the first entry).
- The file is read as a stream: ``iterparse`` hands over one ``Ntry`` at a time, and every entry
  is cleared (with everything before it) once read, so memory stays flat for 100,000 entries.
  Entities are never expanded and nothing is fetched: a DOCTYPE that declares entities is
  refused outright, and a malformed or truncated file is refused with lxml's line.
- Only booked entries are statement lines: ``Sts`` BOOK (``<Sts>BOOK</Sts>`` up to version 06,
  ``<Sts><Cd>BOOK</Cd></Sts>`` from 08). Pending (PDNG), information (INFO) and future (FUTR)
  entries have not moved the booked balance, so they are left out of the lines; the statement
  that books them carries them. An entry without ``Sts`` (an export that drops it) is booked.
- ``Amt`` is unsigned; ``CdtDbtInd`` DBIT makes it negative (the sign convention of
  ``bankrec.domain.statement``). A reversal (``RvslInd`` true) keeps the sign ``CdtDbtInd``
  gives and is flagged ``reversal``. The counterparty is the debtor of a credit and the
  creditor of a debit (the other way round for a reversal, which repeats the original's
  parties); ``v08`` and later wrap the party in ``Pty``.
- A batch entry whose ``TxDtls`` (two or more) each carry an amount becomes one line per
  ``TxDtls``, ``batch_reference`` being the entry's ``AcctSvcrRef`` (else ``Btch/PmtInfId`` or
  ``MsgId``); their amounts must add up to the entry amount or the file is refused. Otherwise
  the entry is one line with the details of its first ``TxDtls``.
- Balances: opening is OPBD, else PRCD; closing is CLBD. A camt.052 report without CLBD closes
  with its interim booked balance ITBD; camt.054 notifications have none. A ``Bal`` without
  ``CdtDbtInd`` is positive. A balance in another currency than the account's is refused, since
  a ``Balance`` carries no currency of its own.
- ``charges`` is what ``Chrgs`` states (``TtlChrgsAndTaxAmt``, else the records added up),
  positive as a cost; ``original_amount`` is ``AmtDtls/InstdAmt`` (else ``TxAmt``) when it is in
  another currency than the account, signed like the line.
"""

from __future__ import annotations

import gc

from bankrec.domain.statement import ParsedFile
from bankrec.importers.camt_document import read_root
from bankrec.importers.camt_reader import Reader


class CamtImporter:
    """ISO 20022 camt.052 / camt.053 / camt.054 (XML)."""

    name = "camt"

    def claims(self, head: bytes) -> bool:
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its byte order mark
            head = head.decode("utf-16", errors="ignore").encode("utf-8")
        return b"urn:iso:std:iso:20022:tech:xsd:camt.05" in head or b"BkToCstmr" in head

    def parse(self, data: bytes, source: str) -> ParsedFile:
        message = read_root(data, source)
        # The lines are acyclic; collecting garbage while 100,000 of them pile up only costs time.
        collecting = gc.isenabled()
        gc.disable()
        try:
            statements = Reader(data, source, message).run()
        finally:
            if collecting:
                gc.enable()
        return ParsedFile(format=self.name, statements=tuple(statements))
