"""`pay review`: one line at a time, its proposal and ranked candidates, and a key per decision.

Every decision calls the same service as its non-interactive command and commits at once, so
quitting or Ctrl-C loses nothing; the next review starts at the first line still undecided.
"""

from __future__ import annotations

import sys
from decimal import Decimal, InvalidOperation
from typing import Any

import click

from bankrec.cli.context import AppContext
from bankrec.errors import BankrecError, InputError

KEYS = "[a]ccept  [r]eject  [1-9] choose  [m]anual  [t]ransfer  [x] map text  [s]kip  [q]uit"
CHOICES = ["a", "r", "m", "t", "x", "s", "q", *(str(n) for n in range(1, 10))]
PARTY_KINDS = ("gl", "customer", "vendor")


def run_review(app: AppContext, journal_id: int, every_line: bool, prompt_anyway: bool) -> None:
    from bankrec.services.payjournal.review import review_queue

    if not prompt_anyway and not sys.stdin.isatty():
        raise InputError(
            "pay review asks questions and stdin is not a terminal; decide with pay accept, "
            "pay reject, pay apply-manual and pay transfer-diff instead (or --prompt-anyway)"
        )
    queue = review_queue(app.db, journal_id, every_line)
    if not queue:
        click.echo(f"journal {journal_id}: nothing to review")
        return
    for position, line_no in enumerate(queue, 1):
        click.echo(f"\n-- line {line_no} ({position} of {len(queue)}) --")
        if _review_line(app, journal_id, line_no) == "quit":
            click.echo("review stopped; run `pay review` again to continue where you left off")
            return
    click.echo(f"journal {journal_id}: every line reviewed")


def _review_line(app: AppContext, journal_id: int, line_no: int) -> str:
    """Show the line and act on keys until one decides it (or quits)."""
    from bankrec.reporting.payjournal_candidates import candidates_table
    from bankrec.services.payjournal.apply import line_candidates

    while True:
        _show_proposal(app, journal_id, line_no)
        found = line_candidates(app.db, journal_id, line_no, limit=9)
        candidates_table(app.console, found)
        key = click.prompt(KEYS, type=click.Choice(CHOICES), show_choices=False)
        if key == "q":
            return "quit"
        try:
            if _act(app, journal_id, line_no, key, found["candidates"]):
                return "done"
        except BankrecError as exc:
            click.echo(f"error: {exc}", err=True)


def _show_proposal(app: AppContext, journal_id: int, line_no: int) -> None:
    from bankrec.reporting.payjournal import applied_to
    from bankrec.services.payjournal import show_journal

    document = show_journal(app.db, journal_id)
    line = next(x for x in document["lines"] if x["line"] == line_no)
    click.echo(
        f"{line['date']}  {line['amount']} {document['currency']}  {line['counterparty']}  "
        f"{line['text']}"
    )
    target = applied_to(line["applications"]) or "nothing"
    click.echo(
        f"proposal: {target}  [{line['confidence']}, {line['status']}], difference "
        f"{line['difference']}"
    )
    for detail in line["details"]:
        click.echo(f"  - {detail}")


def _act(
    app: AppContext, journal_id: int, line_no: int, key: str, candidates: list[dict[str, Any]]
) -> bool:
    """Carry out one key; True when the line is decided (move on), False to show it again."""
    from bankrec.services.payjournal import accept, reject
    from bankrec.services.payjournal.review import choose_candidate, mark_reviewed

    db = app.db
    if key == "a":
        accept(db, journal_id, [line_no])
    elif key == "r":
        reject(db, journal_id, [line_no])
    elif key == "s":
        mark_reviewed(db, journal_id, line_no)
    elif key.isdigit():
        rank = int(key)
        if rank > len(candidates):
            raise InputError(f"there is no candidate {rank}; choose 1 to {len(candidates)}")
        choose_candidate(db, journal_id, line_no, candidates[rank - 1])
        click.echo(f"applied to candidate {rank}")
    elif key == "m":
        return _apply_by_hand(app, journal_id, line_no)
    elif key == "t":
        _transfer(app, journal_id, line_no)
    elif key == "x":
        _map_text(app, journal_id, line_no)
    return True


def _apply_by_hand(app: AppContext, journal_id: int, line_no: int) -> bool:
    """Entries with optional amounts, one per prompt (``12``, ``customer:12 250.00``)."""
    from bankrec.services.payjournal import apply_manual

    click.echo("entry numbers to apply, optionally LEDGER:ENTRY and an amount; empty to finish")
    applied = False
    while answer := click.prompt("entry [amount]", default="", show_default=False).strip():
        entry, _, amount_text = answer.partition(" ")
        ledger, _, number = entry.rpartition(":")
        try:
            amount = Decimal(amount_text) if amount_text.strip() else None
            entry_no = int(number)
        except (ValueError, InvalidOperation):
            click.echo(f"error: {answer!r} is not ENTRY [AMOUNT]", err=True)
            continue
        try:
            result = apply_manual(
                app.db, journal_id, line_no, entry_no, ledger=ledger or None, amount=amount
            )
        except BankrecError as exc:
            click.echo(f"error: {exc}", err=True)
            continue
        applied = True
        click.echo(f"applied {result['applied_amount']}; difference {result['difference']}")
    return applied


def _transfer(app: AppContext, journal_id: int, line_no: int) -> None:
    from bankrec.services.payjournal import transfer_diff

    kind = click.prompt("account type", type=click.Choice(PARTY_KINDS), default="gl")
    account = click.prompt("account no").strip()
    transfer_diff(app.db, journal_id, line_no, kind, account)


def _map_text(app: AppContext, journal_id: int, line_no: int) -> None:
    """Remember the line's text for an account, then apply the journal again so the mapping
    takes this line and every other line that carries the text (BC 5.12)."""
    from bankrec.services.payjournal import show_journal
    from bankrec.services.payjournal.apply import apply_journal
    from bankrec.services.text_mappings import add_mapping

    document = show_journal(app.db, journal_id)
    line = next(x for x in document["lines"] if x["line"] == line_no)
    text = click.prompt("text to map", default=line["text"] or line["counterparty"]).strip()
    kind = click.prompt("account type", type=click.Choice(PARTY_KINDS), default="gl")
    account = click.prompt("account no").strip()
    if kind == "gl":
        add_mapping(app.db, text, gl_debit=account, gl_credit=account)
    else:
        add_mapping(app.db, text, **{kind: account})
    apply_journal(app.db, journal_id)
    from bankrec.services.payjournal import accept

    accept(app.db, journal_id, [line_no])
