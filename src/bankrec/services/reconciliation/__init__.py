"""Bank account reconciliations (BC 4): match statement lines to posted bank entries, then post
the statement, closing the entries.

The public Python API of the ``rec`` commands; every function opens its own transaction. One
module per use case: create (new, list, delete), view (show), automatch (match-auto), manual
(match, unmatch), review, transfer (transfer-diff), post, undo and report.
"""

from __future__ import annotations

from bankrec.errors import ReconciliationError
from bankrec.services.reconciliation.automatch import MatchAutoSummary, match_auto
from bankrec.services.reconciliation.create import (
    delete_reconciliation,
    list_reconciliations,
    new_reconciliation,
)
from bankrec.services.reconciliation.manual import match_lines, unmatch_line
from bankrec.services.reconciliation.post import post_reconciliation
from bankrec.services.reconciliation.report import reconciliation_report
from bankrec.services.reconciliation.review import (
    accept_line,
    choose_candidate,
    line_candidates,
    reject_line,
    review_queue,
    skip_line,
)
from bankrec.services.reconciliation.transfer import transfer_diff
from bankrec.services.reconciliation.undo import undo_plan, undo_statement
from bankrec.services.reconciliation.view import show_reconciliation

__all__ = [
    "MatchAutoSummary",
    "ReconciliationError",
    "accept_line",
    "choose_candidate",
    "delete_reconciliation",
    "line_candidates",
    "list_reconciliations",
    "match_auto",
    "match_lines",
    "new_reconciliation",
    "post_reconciliation",
    "reconciliation_report",
    "reject_line",
    "review_queue",
    "show_reconciliation",
    "skip_line",
    "transfer_diff",
    "undo_plan",
    "undo_statement",
    "unmatch_line",
]
