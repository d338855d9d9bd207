"""Matching set-up commands: payment application rules and text-to-account mappings."""

from __future__ import annotations

import sys

import click

from bankrec.cli.context import AppContext, emit_json, json_option, pass_app

RELATED_PARTY = ("fully", "partially", "no", "not_considered")
DOC_MATCH = ("yes", "yes_multiple", "no", "not_considered")
AMOUNT_MATCH = ("one", "multiple", "none", "not_considered")
REFERENCE_MATCH = ("yes", "no", "not_considered")


@click.group()
def rules() -> None:
    """Payment application rules: which evidence gives which match confidence."""


@rules.command("list")
@json_option
@pass_app
def rules_list(app: AppContext, as_json: bool) -> None:
    """List the rules, best score first."""
    from bankrec.reporting.payjournal import rules_table
    from bankrec.services.rules import list_rules

    found = [rule.as_dict() for rule in list_rules(app.db)]
    if as_json:
        emit_json({"rules": found})
    else:
        rules_table(app.console, found)


@rules.command("set")
@click.argument("rule", metavar="RULE")
@click.option(
    "--confidence",
    type=click.Choice(["high", "medium", "low", "none"]),
    help="The confidence the rule gives.",
)
@click.option(
    "--priority",
    type=click.IntRange(1, 999),
    help="Rank within its confidence, 1 the best; unique per confidence.",
)
@click.option(
    "--related-party",
    type=click.Choice(RELATED_PARTY),
    help="How well the payer must match the customer or vendor.",
)
@click.option(
    "--doc",
    "doc_match",
    type=click.Choice(DOC_MATCH),
    help="Whether the text must name the document number(s).",
)
@click.option(
    "--amount",
    "amount_match",
    type=click.Choice(AMOUNT_MATCH),
    help="How many open entries must match the amount (within the bank's tolerance).",
)
@click.option(
    "--reference",
    "reference_match",
    type=click.Choice(REFERENCE_MATCH),
    help="Whether the payment reference must match.",
)
@click.option(
    "--review/--no-review",
    "review_required",
    default=None,
    help="Whether lines matched by this rule are listed for review.",
)
@click.option(
    "--apply-immediately/--no-apply-immediately",
    "apply_immediately",
    default=None,
    help="Whether a match by this rule stops the search for the line.",
)
@json_option
@pass_app
def rules_set(
    app: AppContext,
    rule: str,
    confidence: str | None,
    priority: int | None,
    related_party: str | None,
    doc_match: str | None,
    amount_match: str | None,
    reference_match: str | None,
    review_required: bool | None,
    apply_immediately: bool | None,
    as_json: bool,
) -> None:
    """Change a rule, named by its id or as CONFIDENCE:PRIORITY (like high:3)."""
    from bankrec.services.rules import RuleChanges, set_rule

    changed = set_rule(
        app.db,
        rule,
        RuleChanges(
            confidence,
            priority,
            related_party,
            doc_match,
            amount_match,
            reference_match,
            review_required,
            apply_immediately,
        ),
    )
    if as_json:
        emit_json(changed.as_dict())
    else:
        click.echo(f"rule {changed.id} is now {changed.name} (score {changed.score})")


@rules.command("reset")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@json_option
@pass_app
def rules_reset(app: AppContext, yes: bool, as_json: bool) -> None:
    """Replace every rule by Business Central's 25 default rules."""
    from bankrec.errors import InputError
    from bankrec.services.rules import reset_rules

    if not yes:
        if not sys.stdin.isatty():
            raise InputError(
                "resetting the rules needs confirmation and stdin is not a terminal; use --yes"
            )
        click.confirm("Replace every payment application rule by the 25 defaults?", abort=True)
    restored = [rule.as_dict() for rule in reset_rules(app.db)]
    if as_json:
        emit_json({"rules": restored})
    else:
        click.echo(f"{len(restored)} default rules restored")


@click.group("map")
def map_() -> None:
    """Text-to-account mappings: a text in a bank line sends it to an account."""


@map_.command("add")
@click.argument("text")
@click.option("--gl-debit", metavar="NO", help="G/L account for money in (positive lines).")
@click.option("--gl-credit", metavar="NO", help="G/L account for money out (negative lines).")
@click.option("--customer", metavar="NO", help="Post the line on account of this customer.")
@click.option("--vendor", metavar="NO", help="Post the line on account of this vendor.")
@click.option("--bank", metavar="NO", help="Post the line to this bank account (a transfer).")
@json_option
@pass_app
def map_add(
    app: AppContext,
    text: str,
    gl_debit: str | None,
    gl_credit: str | None,
    customer: str | None,
    vendor: str | None,
    bank: str | None,
    as_json: bool,
) -> None:
    """Map TEXT (found in a line's text, any case) to G/L accounts, a customer, a vendor or a
    bank."""
    from bankrec.services.text_mappings import add_mapping

    added = add_mapping(
        app.db,
        text,
        gl_debit=gl_debit,
        gl_credit=gl_credit,
        customer=customer,
        vendor=vendor,
        bank=bank,
    )
    if as_json:
        emit_json(added.as_dict())
    else:
        click.echo(f'mapping {added.id} saved: "{added.text}" -> {added.target_type}')


@map_.command("list")
@json_option
@pass_app
def map_list(app: AppContext, as_json: bool) -> None:
    """List the text-to-account mappings."""
    from bankrec.reporting.payjournal import mappings_table
    from bankrec.services.text_mappings import list_mappings

    found = [m.as_dict() for m in list_mappings(app.db)]
    if as_json:
        emit_json({"mappings": found})
    else:
        mappings_table(app.console, found)


@map_.command("remove")
@click.argument("mapping_id", metavar="ID", type=click.IntRange(min=1))
@json_option
@pass_app
def map_remove(app: AppContext, mapping_id: int, as_json: bool) -> None:
    """Remove a text-to-account mapping."""
    from bankrec.services.text_mappings import remove_mapping

    removed = remove_mapping(app.db, mapping_id)
    if as_json:
        emit_json({"removed": removed.as_dict()})
    else:
        click.echo(f'mapping {removed.id} ("{removed.text}") removed')


COMMANDS = (rules, map_)
