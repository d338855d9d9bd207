"""`rec review`: one line at a time, its match or why it has none, its ranked candidates, and a
key per decision.

Every decision calls a service that commits at once, so quitting or Ctrl-C loses nothing; the
next review starts at the first line still undecided.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from bankrec.cli.context import AppContext
from bankrec.errors import BankrecError, InputError

KEYS = "[a]ccept  [r]eject  [1-9] choose  [t]ransfer difference  [s]kip  [q]uit"
CHOICES = ["a", "r", "t", "s", "q", *(str(n) for n in range(1, 10))]


def run_review(app: AppContext, rec_id: int, every_line: bool, prompt_anyway: bool) -> None:
    from bankrec.services.reconciliation import review_queue

    if not prompt_anyway and not sys.stdin.isatty():
        raise InputError(
            "rec review asks questions and stdin is not a terminal; decide with rec match, "
            "rec unmatch and rec transfer-diff instead (or --prompt-anyway)"
        )
    queue = review_queue(app.db, rec_id, every_line)
    if not queue:
        click.echo(f"reconciliation {rec_id}: nothing to review")
        return
    for position, line_no in enumerate(queue, 1):
        click.echo(f"\n-- line {line_no} ({position} of {len(queue)}) --")
        if _review_line(app, rec_id, line_no) == "quit":
            click.echo("review stopped; run `rec review` again to continue where you left off")
            return
    click.echo(f"reconciliation {rec_id}: every line reviewed")


def _review_line(app: AppContext, rec_id: int, line_no: int) -> str:
    """Show the line and act on keys until one decides it (or quits)."""
    from bankrec.reporting.reconciliation import candidates_table
    from bankrec.services.reconciliation import line_candidates

    while True:
        _show_line(app, rec_id, line_no)
        found = line_candidates(app.db, rec_id, line_no)
        candidates_table(app.console, found)
        key = click.prompt(KEYS, type=click.Choice(CHOICES), show_choices=False)
        if key == "q":
            return "quit"
        try:
            if _act(app, rec_id, line_no, key, found["candidates"]):
                return "done"
        except BankrecError as exc:
            click.echo(f"error: {exc}", err=True)


def _show_line(app: AppContext, rec_id: int, line_no: int) -> None:
    from bankrec.services.reconciliation import show_reconciliation

    document = show_reconciliation(app.db, rec_id)
    line = next(x for x in document["lines"] if x["line"] == line_no)
    click.echo(
        f"{line['date']}  {line['amount']} {document['currency']}  {line['counterparty']}  "
        f"{line['text']}"
    )
    entries = ", ".join(map(str, line["entries"])) or "nothing"
    match = line["match"]
    how = f" [{match['origin']}, {match['confidence'] or 'no confidence'}]" if match else ""
    click.echo(
        f"matched to: {entries}{how}  status {line['status']}, difference {line['difference']}"
    )
    for detail in line["details"]:
        click.echo(f"  - {detail}")


def _act(
    app: AppContext, rec_id: int, line_no: int, key: str, candidates: list[dict[str, Any]]
) -> bool:
    """Carry out one key; True when the line is decided (move on), False to show it again."""
    from bankrec.services.reconciliation import (
        accept_line,
        choose_candidate,
        reject_line,
        skip_line,
        transfer_diff,
    )

    db = app.db
    if key == "a":
        accept_line(db, rec_id, line_no)
    elif key == "r":
        reject_line(db, rec_id, line_no)
    elif key == "s":
        skip_line(db, rec_id, line_no)
    elif key == "t":
        account = click.prompt("G/L account no").strip()
        transfer_diff(db, rec_id, line_no, account, user=app.user)
    elif key.isdigit():
        rank = int(key)
        if rank > len(candidates):
            raise InputError(
                f"there is no candidate {rank}; choose 1 to {len(candidates)}"
                if candidates
                else "there is no candidate to choose"
            )
        chosen = candidates[rank - 1]
        choose_candidate(db, rec_id, line_no, chosen["entry_nos"], chosen["details"])
        click.echo(f"matched to candidate {rank}")
    return True
