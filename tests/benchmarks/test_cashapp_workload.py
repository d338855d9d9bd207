"""The cash-application workload generator and its scorer (benchmarks/gen_cashapp.py and
benchmarks/score_cashapp.py): deterministic, complete, self-consistent answers, exact scores."""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any
from xml.etree import ElementTree

import pytest
from stdnum import iban as stdnum_iban

from tests.conftest import Cli
from tests.repo_scripts import load_script

REPO = Path(__file__).resolve().parents[2]
NS = {"c": "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"}
FILES = ("company.json", "opening.csv", "statement.xml", "answers.json", "mappings.json")


def _load(name: str) -> ModuleType:
    return load_script("benchmarks", name)


gen = _load("gen_cashapp")
scorer = _load("score_cashapp")


@pytest.fixture(scope="module")
def workload(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cashapp") / "w600"
    gen.generate(folder, 600, seed=3)
    return folder


def _answers(folder: Path) -> list[dict[str, Any]]:
    answers: list[dict[str, Any]] = json.loads((folder / "answers.json").read_text())["answers"]
    return answers


def _opening(folder: Path) -> dict[str, dict[str, str]]:
    with (folder / "opening.csv").open(encoding="utf-8", newline="") as handle:
        return {row["document_no"]: row for row in csv.DictReader(handle)}


def _entries(folder: Path) -> list[ElementTree.Element]:
    root = ElementTree.parse(folder / "statement.xml").getroot()
    return root.findall("c:BkToCstmrStmt/c:Stmt/c:Ntry", NS)


def _iso7064_mod97_10(reference: str) -> bool:
    """ISO 11649: the first four characters moved to the end, letters as 10..35, mod 97 = 1."""
    compact = "".join(reference.split()).upper()
    moved = compact[4:] + compact[:4]
    digits = "".join(str(ord(c) - ord("A") + 10) if c.isalpha() else c for c in moved)
    return compact.startswith("RF") and moved.isalnum() and int(digits) % 97 == 1


# -- generator ---------------------------------------------------------------------------------


def test_the_same_seed_writes_the_same_files(tmp_path: Path) -> None:
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        gen.generate(tmp_path / name, 120, seed=seed)
    for file in FILES:
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes(), file
    assert (tmp_path / "a" / "answers.json").read_bytes() != (
        tmp_path / "c" / "answers.json"
    ).read_bytes()


def test_every_category_and_every_kind_of_answer_is_present(workload: Path) -> None:
    answers = _answers(workload)
    assert [a["line"] for a in answers] == list(range(1, 601))
    categories = Counter(a["category"] for a in answers)
    assert set(categories) == set(gen.CATEGORIES)
    assert categories == gen.allocate(600)
    by_expect = {(a["category"], a["expect"]) for a in answers}
    assert ("equal_amounts_across_customers", "apply") in by_expect
    assert ("equal_amounts_across_customers", "none") in by_expect
    assert ("before_invoice", "none") in by_expect
    assert ("no_counterpart", "none") in by_expect
    assert ("fee", "mapping") in by_expect
    assert any(
        a["difference_to"] == "on_account" for a in answers if a["category"] == "overpayment"
    )
    assert any(a["discounts"] for a in answers if a["category"] == "discount")
    combined = [a for a in answers if a["category"] == "combined"]
    assert {len(a["documents"]) for a in combined} <= {2, 3, 4}
    instalments = Counter(
        next(iter(a["documents"])) for a in answers if a["category"] == "instalments"
    )
    assert set(instalments.values()) <= {2, 3}
    summary = json.loads((workload / "answers.json").read_text())
    assert summary["open_entries"] == 2400  # four per line by default


def test_parties_have_valid_ibans_legal_forms_and_near_duplicates(workload: Path) -> None:
    company = json.loads((workload / "company.json").read_text())
    parties = company["customers"] + company["vendors"]
    ibans = [i for p in parties for i in p["ibans"]]
    assert all(stdnum_iban.is_valid(i) for i in ibans)
    assert len(ibans) == len(set(ibans))
    assert {len(p["ibans"]) for p in company["customers"]} == {0, 1, 2}
    names = [p["name"] for p in parties]
    assert len(names) == len(set(names))
    assert {"Müller Bau GmbH", "Müller Baustoffe GmbH"} <= set(names)
    for form in ("GmbH", "AG", "Ltd", "Limited", "S.A.", "B.V.", "e.K."):
        assert any(n.endswith(" " + form) for n in names), form
    assert any(n.endswith((" Inc", " Inc.")) for n in names)
    assert any(set(n) & set("äöüß") for n in names)
    (bank,) = company["banks"]
    assert bank["no"] == "BANK-EUR"
    assert bank["balance_last_statement"] == str(gen.OPENING_BALANCE)
    assert {a["no"] for a in company["gl_accounts"]} >= {"6800", "7900", "7910", "1110"}


def test_every_legal_form_has_spelling_variants() -> None:
    assert set(gen.ALL_FORMS) <= set(gen.LEGAL_FORM_VARIANTS)


def test_rf_references_have_valid_check_digits_and_name_the_answer(workload: Path) -> None:
    answers = _answers(workload)
    found = 0
    for number, entry in enumerate(_entries(workload), start=1):
        ref = entry.find(".//c:RmtInf/c:Strd/c:CdtrRefInf/c:Ref", NS)
        if ref is None:
            continue
        found += 1
        assert ref.text is not None
        assert _iso7064_mod97_10(ref.text), ref.text
        answer = answers[number - 1]
        assert answer["category"] == "rf_reference"
        (document,) = answer["documents"]
        assert "".join(ref.text.split())[4:] == document.replace("-", "")
        text = entry.find(".//c:RmtInf/c:Ustrd", NS)
        assert text is None or document not in (text.text or "")
    assert found == Counter(a["category"] for a in answers)["rf_reference"]
    assert _iso7064_mod97_10("RF18539007547034")  # the ISO 11649 example
    assert not _iso7064_mod97_10("RF19539007547034")


def test_answers_reference_only_open_documents_of_the_right_party(workload: Path) -> None:
    opening = _opening(workload)
    used: defaultdict[str, Decimal] = defaultdict(Decimal)
    for answer in _answers(workload):
        if answer["expect"] != "apply":
            continue
        line_date = date.fromisoformat(answer["date"])
        for document, amount in answer["documents"].items():
            row = opening[document]
            assert (row["account_type"], row["account_no"]) == (
                answer["account_type"],
                answer["account_no"],
            )
            assert date.fromisoformat(row["date"]) <= line_date  # the date gate
            posted = Decimal(row["amount"])
            assert (posted > 0) == (Decimal(amount) > 0)  # same direction as the entry
            used[document] += Decimal(amount)
            assert abs(used[document]) <= abs(posted)
            discount = answer["discounts"].get(document)
            if discount is not None:
                assert Decimal(discount) == Decimal(row["pmt_discount_amount"])
                assert line_date <= date.fromisoformat(row["pmt_discount_date"])
                assert Decimal(amount) == posted
    before = [a for a in _answers(workload) if a["category"] == "before_invoice"]
    for answer in before:
        document = answer["reason"].rsplit("(", 1)[1].rstrip(")")
        assert date.fromisoformat(opening[document]["date"]) > date.fromisoformat(answer["date"])


def test_document_amounts_add_up_to_the_line_amount(workload: Path) -> None:
    for answer in _answers(workload):
        if answer["expect"] != "apply":
            continue
        documents = sum((Decimal(v) for v in answer["documents"].values()), Decimal(0))
        discounts = sum((Decimal(v) for v in answer["discounts"].values()), Decimal(0))
        line = Decimal(answer["amount"])
        assert documents - discounts == line - Decimal(answer["difference"]), answer["line"]
        assert (answer["difference"] != "0.00") == (answer["difference_to"] == "on_account")


def test_statement_ties_to_the_bank_and_has_unique_references(workload: Path) -> None:
    root = ElementTree.parse(workload / "statement.xml").getroot()
    balances = {
        b.findtext("c:Tp/c:CdOrPrtry/c:Cd", namespaces=NS): Decimal(
            b.findtext("c:Amt", namespaces=NS) or ""
        )
        for b in root.iter(f"{{{NS['c']}}}Bal")
    }
    entries = _entries(workload)
    amounts = [Decimal(e.findtext("c:Amt", namespaces=NS) or "") for e in entries]
    signs = [1 if e.findtext("c:CdtDbtInd", namespaces=NS) == "CRDT" else -1 for e in entries]
    total = sum((a * s for a, s in zip(amounts, signs, strict=True)), Decimal(0))
    assert balances["OPBD"] == gen.OPENING_BALANCE
    assert balances["CLBD"] == balances["OPBD"] + total
    answers = _answers(workload)
    assert [Decimal(a["amount"]) for a in answers] == [
        a * s for a, s in zip(amounts, signs, strict=True)
    ]
    for path in ("c:AcctSvcrRef", ".//c:Refs/c:EndToEndId"):
        values = [e.findtext(path, namespaces=NS) for e in entries]
        assert len(set(values)) == len(entries)
    mappings = json.loads((workload / "mappings.json").read_text())
    assert all(m["gl_credit"] == gen.FEE_ACCOUNT for m in mappings["mappings"])
    for entry, answer in zip(entries, answers, strict=True):
        if answer["category"] == "fee":
            text = entry.findtext(".//c:RmtInf/c:Ustrd", namespaces=NS) or ""
            assert any(m["text"] in text for m in mappings["mappings"])


def test_the_generated_files_load_post_and_import(run: Cli, tmp_path: Path) -> None:
    gen.generate(tmp_path, 200, seed=11)
    for args in (
        ("load", str(tmp_path / "company.json")),
        ("journal", "post", str(tmp_path / "opening.csv")),
    ):
        result = run(*args)
        assert result.exit_code == 0, result.output
    result = run("import", str(tmp_path / "statement.xml"), "--bank", "BANK-EUR", "--json")
    assert result.exit_code == 0, result.output
    (report,) = json.loads(result.stdout)["files"]
    (statement,) = report["statements"]
    answers = json.loads((tmp_path / "answers.json").read_text())
    assert (report["errors"], statement["lines_new"]) == ([], 200)
    assert statement["opening_balance"] == answers["opening_balance"]
    assert statement["closing_balance"] == answers["closing_balance"]
    assert statement["gap"] is None
    balance = run("trial-balance", "--json")
    assert json.loads(balance.stdout)["total"] == "0.00"


# -- scorer ------------------------------------------------------------------------------------

ANSWERS: list[dict[str, Any]] = [
    {
        "line": 1,
        "category": "discount",
        "amount": "980.00",
        "expect": "apply",
        "account_type": "customer",
        "account_no": "C00001",
        "documents": {"SI-100001": "1000.00"},
        "discounts": {"SI-100001": "20.00"},
        "difference": "0.00",
        "difference_to": None,
    },
    {
        "line": 2,
        "category": "exact_reference",
        "amount": "500.00",
        "expect": "apply",
        "account_type": "customer",
        "account_no": "C00002",
        "documents": {"SI-100002": "500.00"},
        "discounts": {},
        "difference": "0.00",
        "difference_to": None,
    },
    {"line": 3, "category": "no_counterpart", "amount": "75.00", "expect": "none"},
    {
        "line": 4,
        "category": "vendor_payment",
        "amount": "-250.00",
        "expect": "apply",
        "account_type": "vendor",
        "account_no": "V00001",
        "documents": {"PI-300001": "-250.00"},
        "discounts": {},
        "difference": "0.00",
        "difference_to": None,
    },
]


def _application(account: str, document: str, amount: str, discount: str = "0.00") -> Any:
    kind = {"C": "customer", "V": "vendor"}.get(account[0], "gl")
    return {
        "account_type": kind,
        "account_no": account,
        "entry_no": 7 if document else None,
        "document_no": document,
        "applied_amount": amount,
        "discount": discount,
    }


SHOW: dict[str, Any] = {
    "journal": 9,
    "bank": "BANK-EUR",
    "lines": [
        {
            "line": 1,
            "confidence": "high",
            "status": "applied",
            "difference": "0.00",
            "applications": [_application("C00001", "SI-100001", "1000.0", "20")],
        },
        {
            "line": 2,
            "confidence": "high",
            "status": "applied",
            "difference": "0.00",
            "applications": [_application("C00003", "SI-100009", "500.00")],
        },
        {
            "line": 3,
            "confidence": "low",
            "status": "applied",
            "difference": "0.00",
            "applications": [_application("C00004", "SI-100010", "75.00")],
        },
        {
            "line": 4,
            "confidence": "none",
            "status": "not applied",
            "difference": "-250.00",
            "applications": [],
        },
    ],
}


def test_scores_of_a_hand_made_journal() -> None:
    report = scorer.score({"answers": ANSWERS}, SHOW)
    assert report["by_confidence"] == {
        "high": {"lines": 2, "applied": 2, "correct": 1, "wrong": 1},
        "medium": {"lines": 0, "applied": 0, "correct": 0, "wrong": 0},
        "low": {"lines": 1, "applied": 1, "correct": 0, "wrong": 1},
        "none": {"lines": 1, "applied": 0, "correct": 0, "wrong": 0},
    }
    assert report["by_category"] == {
        "discount": {"lines": 1, "applied": 1, "correct": 1, "wrong": 0},
        "exact_reference": {"lines": 1, "applied": 1, "correct": 0, "wrong": 1},
        "no_counterpart": {"lines": 1, "applied": 1, "correct": 0, "wrong": 1},
        "vendor_payment": {"lines": 1, "applied": 0, "correct": 0, "wrong": 0},
    }
    assert report["total"] == {"lines": 4, "applied": 3, "correct": 1, "wrong": 2}
    assert (report["precision_high"], report["precision_high_counts"]) == (50.0, [1, 2])
    assert (report["recall_high_medium"], report["recall_high_medium_counts"]) == (33.33, [1, 3])
    assert (report["wrong_rate"], report["wrong_rate_counts"]) == (66.67, [2, 3])
    assert report["check"]["passed"] is False
    assert len(report["check"]["failures"]) == 3


def _paid(*parts: tuple[str, str, str]) -> list[dict[str, Any]]:
    return [_application(account, document, amount) for account, document, amount in parts]


BILL = ("V00001", "PI-300001", "-250.00")


@pytest.mark.parametrize(
    ("applications", "verdict"),
    [
        (_paid(BILL), "correct"),
        (_paid(("V00001", "PI-300001", "250")), "correct"),  # the sign is ignored
        (_paid(("V00001", "PI-300001", "-200.00")), "wrong"),
        (_paid(("V00002", "PI-300001", "-250.00")), "wrong"),  # another vendor
        (_paid(BILL, ("V00001", "", "-5")), "correct"),  # the rest on account
        (_paid(BILL, ("V00002", "", "-5")), "wrong"),
        (_paid(("V00001", "PI-300001", "-150"), ("V00001", "PI-300001", "-100")), "correct"),
        (_paid(BILL, ("V00001", "PI-300002", "-1")), "wrong"),  # a document too many
        ([], "unapplied"),
    ],
)
def test_judging_a_vendor_payment(applications: list[dict[str, Any]], verdict: str) -> None:
    line = {"line": 4, "confidence": "high", "applications": applications}
    assert scorer.judge(ANSWERS[3], line) == verdict


def test_discounts_are_part_of_the_applied_amount() -> None:
    cash_only = {"applications": [_application("C00001", "SI-100001", "980.00", "20.00")]}
    no_discount = {"applications": [_application("C00001", "SI-100001", "1000.00")]}
    assert scorer.judge(ANSWERS[0], cash_only) == "wrong"
    assert scorer.judge(ANSWERS[0], no_discount) == "wrong"


def test_mapping_lines_need_the_mapped_account() -> None:
    answer = {"line": 1, "expect": "mapping", "account_type": "gl", "account_no": "6800"}
    fee = {"applications": [_application("6800", "", "-12.50")]}
    elsewhere = {"applications": [_application("6850", "", "-12.50")]}
    assert scorer.judge(answer, fee) == "correct"
    assert scorer.judge(answer, elsewhere) == "wrong"
    assert scorer.confidence_of({"confidence": "High - Text-to-Account Mapping"}) == "high"


def test_the_command_line_prints_a_table_or_json_and_checks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = tmp_path / "answers.json"
    show = tmp_path / "show.json"
    answers.write_text(json.dumps({"answers": ANSWERS}))
    show.write_text(json.dumps(SHOW))
    assert scorer.main([str(answers), str(show)]) == 0
    out = capsys.readouterr().out
    assert "precision at High:     50.00 % (1/2)" in out
    assert scorer.main([str(answers), str(show), "--json", "--check"]) == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out)["wrong_rate"] == 66.67
    assert "check failed" in captured.err
    perfect = dict(SHOW, lines=[dict(SHOW["lines"][0])])
    show.write_text(json.dumps(perfect))
    answers.write_text(json.dumps({"answers": ANSWERS[:1]}))
    assert scorer.main([str(answers), str(show), "--check"]) == 0
