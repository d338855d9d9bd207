"""Payment reconciliation journals (BC 5): create, show, and the user's decisions on lines.

The public Python API of the ``pay`` commands; every function opens its own transaction.
Automatic application, candidates, review and posting live in sibling modules.
"""

from __future__ import annotations

from bankrec.services.payjournal.create import delete_journal, list_journals, new_journal
from bankrec.services.payjournal.decisions import accept, reject
from bankrec.services.payjournal.manual import apply_manual
from bankrec.services.payjournal.transfer import transfer_diff
from bankrec.services.payjournal.view import journal_document, show_journal

__all__ = [
    "accept",
    "apply_manual",
    "delete_journal",
    "journal_document",
    "list_journals",
    "new_journal",
    "reject",
    "show_journal",
    "transfer_diff",
]
