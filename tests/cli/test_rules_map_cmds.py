"""`bankrec rules ...` and `bankrec map ...` through click, on both backends."""

from __future__ import annotations

import json
from typing import Any

from click.testing import Result

from bankrec.services.database import Database
from tests.conftest import Cli

RULE_KEYS = {
    "id",
    "rule",
    "confidence",
    "priority",
    "score",
    "related_party",
    "doc_match",
    "amount_match",
    "reference_match",
    "review_required",
    "apply_immediately",
}


def ok(result: Result) -> Result:
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result


def as_json(result: Result) -> Any:
    return json.loads(ok(result).stdout)


def refused(result: Result, *fragments: str) -> None:
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert result.stdout == ""
    assert result.stderr.startswith("error: ")
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


def test_rules_list_shows_the_defaults(ledger: Database, run: Cli) -> None:
    rules = as_json(run("rules", "list", "--json"))["rules"]
    assert len(rules) == 25
    assert all(set(rule) == RULE_KEYS for rule in rules)
    assert rules[0] == {
        "id": 1,
        "rule": "high:1",
        "confidence": "high",
        "priority": 1,
        "score": 3999,
        "related_party": "not_considered",
        "doc_match": "not_considered",
        "amount_match": "not_considered",
        "reference_match": "yes",
        "review_required": False,
        "apply_immediately": True,
    }
    assert [rule["rule"] for rule in rules[-2:]] == ["low:4", "low:5"]
    human = ok(run("rules", "list")).stdout
    assert "high:1" in human
    assert "low:5" in human


def test_rules_set_and_reset(ledger: Database, run: Cli) -> None:
    before = as_json(run("rules", "list", "--json"))
    changed = as_json(
        run("rules", "set", "low:5", "--priority", "9", "--no-review", "--doc", "yes", "--json")
    )
    assert (changed["rule"], changed["score"], changed["review_required"]) == ("low:9", 1991, False)
    assert changed["doc_match"] == "yes"
    moved = ok(run("rules", "set", "25", "--confidence", "medium", "--priority", "20"))
    assert moved.stdout == "rule 25 is now medium:20 (score 2980)\n"
    refused(run("rules", "set", "high:2", "--priority", "1"), "rule high:1 already exists (id 1)")
    refused(run("rules", "set", "high:2"), "nothing to change")
    refused(run("rules", "set", "nope:1", "--priority", "3"), "rule nope:1 does not exist")
    assert run("rules", "set", "high:2", "--doc", "perhaps").exit_code == 2

    refused(run("rules", "reset"), "use --yes")
    assert as_json(run("rules", "list", "--json")) != before
    restored = as_json(run("rules", "reset", "--yes", "--json"))
    assert len(restored["rules"]) == 25
    assert [
        {key: value for key, value in rule.items() if key != "id"} for rule in restored["rules"]
    ] == [{key: value for key, value in rule.items() if key != "id"} for rule in before["rules"]]


def test_map_add_list_remove(ledger: Database, run: Cli) -> None:
    fee = as_json(run("map", "add", "MyBank", "--gl-credit", "6800", "--json"))
    assert {key: fee[key] for key in ("id", "text", "target_type", "debit_gl", "credit_gl")} == {
        "id": 1,
        "text": "MyBank",
        "target_type": "gl",
        "debit_gl": None,
        "credit_gl": "6800",
    }
    vendor = as_json(run("map", "add", "Rent March", "--vendor", "V1", "--json"))
    assert (vendor["target_type"], vendor["account_no"]) == ("vendor", "V1")
    listed = as_json(run("map", "list", "--json"))["mappings"]
    assert [m["id"] for m in listed] == [1, 2]
    assert "MyBank" in ok(run("map", "list")).stdout
    assert as_json(run("map", "remove", "1", "--json"))["removed"]["text"] == "MyBank"
    assert [m["id"] for m in as_json(run("map", "list", "--json"))["mappings"]] == [2]
    refused(run("map", "remove", "1"), "text mapping 1 does not exist")


def test_map_add_refusals(ledger: Database, run: Cli) -> None:
    ok(run("map", "add", "MyBank", "--gl-credit", "6800"))
    refused(run("map", "add", "MYBANK", "--customer", "C1"), '"MyBank" already exists (id 1)')
    refused(run("map", "add", "Fee", "--gl-credit", "6999"), "G/L account 6999")
    refused(
        run("map", "add", "Fee", "--gl-credit", "6800", "--customer", "C1"),
        "exactly one target, got gl and customer",
    )
    refused(run("map", "add", "Fee"), "exactly one target, got none")
    refused(run("map", "add", "Fee", "--bank", "NOBANK"), "bank account NOBANK does not exist")
    assert len(as_json(run("map", "list", "--json"))["mappings"]) == 1
