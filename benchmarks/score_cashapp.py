"""Score a payment reconciliation journal against the answer key of ``gen_cashapp.py``.

Usage: ``python benchmarks/score_cashapp.py ANSWERS.json PAY_SHOW.json [--json] [--check]``
where PAY_SHOW.json is the output of ``bankrec pay show JNL --json`` (``-`` reads stdin).

Lines are paired by their number (``line``, 1..N in statement order). A line is *applied* when
it has at least one application. An applied line is **correct** when:

- ``expect`` is ``apply``: every application is to the answer's account (``account_type`` and
  ``account_no``), and the documents with their amounts equal the answer's ``documents``
  exactly: per ``document_no`` the sum of the applications' ``applied_amount`` equals the
  answer's amount and the sum of their ``discount`` equals the answer's ``discounts`` entry (0
  when the answer has none; a missing or null ``discount`` counts as 0). As in Business Central
  (5.8) ``applied_amount`` is the amount credited to the document *including* the discount: a
  1,000.00 invoice paid with 980.00 within its 2 % discount date is correct as
  ``applied_amount`` 1000.00 with ``discount`` 20.00. Applications without a document (no
  ``document_no`` and no ``entry_no``: the rest of an overpayment put on account) are not
  documents; they only have to be to the same account. No document may be missing or extra.
- ``expect`` is ``mapping``: every application is to the answer's account (the fee G/L).
- ``expect`` is ``none``: never; applying such a line is always wrong.

Every other applied line is **wrong**; a line without applications is neither. Amounts are
compared as ``Decimal`` values of their magnitudes (``"1250.0"`` equals ``"1250.00"``, and the
sign, which the direction of the line fixes, is ignored).

Reported per confidence (high, medium, low, none, and any other the journal shows, such as
manual or accepted) and per category: lines, applied, correct, wrong; then

- precision at High = correct / applied among lines of confidence high;
- recall at High+Medium = lines of confidence high or medium that are correct / lines whose
  answer is ``apply`` or ``mapping`` (the lines with one right answer);
- wrong rate = wrong / applied, over all applied lines at any confidence.

``--check`` exits 1 unless precision at High >= 99.5 %, recall at High+Medium >= 90 % and the
wrong rate < 2 % (no line applied at High counts as a precision of 100 %).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any

CONFIDENCES = ("high", "medium", "low", "none")
ANSWERABLE = ("apply", "mapping")
PRECISION_HIGH_MIN = Fraction(995, 10)
RECALL_MIN = Fraction(90)
WRONG_MAX = Fraction(2)


@dataclass
class Tally:
    lines: int = 0
    applied: int = 0
    correct: int = 0
    wrong: int = 0


def _amount(value: object) -> Decimal:
    """The magnitude of an amount given as a string or number; null and "" are 0."""
    if value is None or value == "":
        return Decimal(0)
    try:
        return abs(Decimal(str(value)))
    except InvalidOperation:
        raise ValueError(f"not an amount: {value!r}") from None


def confidence_of(line: dict[str, Any]) -> str:
    """``"High"``, ``"high"`` and ``"High - Text-to-Account Mapping"`` are all ``high``."""
    text = str(line.get("confidence") or "none").strip().lower()
    match = re.match(r"[a-z]+", text)
    return match.group(0) if match else "none"


def judge(answer: dict[str, Any], line: dict[str, Any] | None) -> str:
    """``correct``, ``wrong`` or ``unapplied`` for one journal line (see the module doc)."""
    applications: list[dict[str, Any]] = (line or {}).get("applications") or []
    if not applications:
        return "unapplied"
    expect = answer["expect"]
    if expect not in ANSWERABLE:
        return "wrong"
    account = (str(answer["account_type"]), str(answer["account_no"]))
    if any((str(a.get("account_type")), str(a.get("account_no"))) != account for a in applications):
        return "wrong"
    if expect == "mapping":
        return "correct"
    got: dict[str, tuple[Decimal, Decimal]] = {}
    for application in applications:
        document = str(application.get("document_no") or "")
        if not document and not application.get("entry_no"):
            continue  # on account
        applied, discount = got.get(document, (Decimal(0), Decimal(0)))
        got[document] = (
            applied + _amount(application.get("applied_amount")),
            discount + _amount(application.get("discount")),
        )
    discounts: dict[str, Any] = answer.get("discounts") or {}
    want = {
        str(document): (_amount(amount), _amount(discounts.get(document)))
        for document, amount in answer["documents"].items()
    }
    return "correct" if got == want else "wrong"


def _answers(document: Any) -> list[dict[str, Any]]:
    answers = document["answers"] if isinstance(document, dict) else document
    if not isinstance(answers, list):
        raise ValueError("the answer file holds no list of answers")
    return sorted(answers, key=lambda a: int(a["line"]))


def _percent(part: int, whole: int) -> Fraction | None:
    return Fraction(100 * part, whole) if whole else None


def _rounded(value: Fraction | None) -> float | None:
    return None if value is None else round(float(value), 2)


def score(answers_document: Any, show: dict[str, Any]) -> dict[str, Any]:
    """The figures of one journal against the answers; the ``--json`` document."""
    answers = _answers(answers_document)
    numbers = {int(a["line"]) for a in answers}
    lines: dict[int, dict[str, Any]] = {}
    for line in show.get("lines") or []:
        number = int(line["line"])
        if number not in numbers:
            raise ValueError(f"the journal has line {number}, which the answers do not know")
        lines[number] = line
    by_confidence = {name: Tally() for name in CONFIDENCES}
    known = answers_document.get("categories", {}) if isinstance(answers_document, dict) else {}
    by_category: dict[str, Tally] = {str(name): Tally() for name in known}
    total = Tally()
    recalled = answerable = 0
    for answer in answers:
        line = lines.get(int(answer["line"]))
        confidence = confidence_of(line) if line is not None else "none"
        verdict = judge(answer, line)
        category = str(answer.get("category", "?"))
        for tally in (
            by_confidence.setdefault(confidence, Tally()),
            by_category.setdefault(category, Tally()),
            total,
        ):
            tally.lines += 1
            tally.applied += verdict != "unapplied"
            tally.correct += verdict == "correct"
            tally.wrong += verdict == "wrong"
        if answer["expect"] in ANSWERABLE:
            answerable += 1
            recalled += verdict == "correct" and confidence in ("high", "medium")
    high = by_confidence["high"]
    precision = _percent(high.correct, high.applied)
    recall = _percent(recalled, answerable)
    wrong_rate = _percent(total.wrong, total.applied) or Fraction(0)
    failures = []
    if precision is not None and precision < PRECISION_HIGH_MIN:
        failures.append(f"precision at High {float(precision):.2f} % is below 99.5 %")
    if recall is None or recall < RECALL_MIN:
        failures.append(f"recall at High+Medium {float(recall or 0):.2f} % is below 90 %")
    if wrong_rate >= WRONG_MAX:
        failures.append(f"wrong rate {float(wrong_rate):.2f} % is not below 2 %")
    return {
        "journal": show.get("journal"),
        "lines": total.lines,
        "lines_missing": len(numbers) - len(lines),
        "total": asdict(total),
        "by_confidence": {name: asdict(t) for name, t in by_confidence.items()},
        "by_category": {name: asdict(t) for name, t in by_category.items()},
        "precision_high": _rounded(precision),
        "precision_high_counts": [high.correct, high.applied],
        "recall_high_medium": _rounded(recall),
        "recall_high_medium_counts": [recalled, answerable],
        "wrong_rate": _rounded(wrong_rate),
        "wrong_rate_counts": [total.wrong, total.applied],
        "check": {"passed": not failures, "failures": failures},
    }


def table(report: dict[str, Any]) -> str:
    """The report as plain-text tables."""
    out: list[str] = []
    for title, rows in (
        ("confidence", report["by_confidence"]),
        ("category", report["by_category"]),
    ):
        width = max(len(title), *(len(name) for name in rows))
        out.append(f"{title:<{width}}  {'lines':>6}  {'applied':>7}  {'correct':>7}  {'wrong':>6}")
        for name, t in [*rows.items(), ("total", report["total"])]:
            out.append(
                f"{name:<{width}}  {t['lines']:>6}  {t['applied']:>7}  {t['correct']:>7}  "
                f"{t['wrong']:>6}"
            )
        out.append("")

    def figure(key: str) -> str:
        value = report[key]
        part, whole = report[key + "_counts"]
        return f"{'n/a' if value is None else f'{value:.2f} %'} ({part}/{whole})"

    out.append(f"precision at High:     {figure('precision_high')}  (target >= 99.5 %)")
    out.append(f"recall at High+Medium: {figure('recall_high_medium')}  (target >= 90 %)")
    out.append(f"wrong rate:            {figure('wrong_rate')}  (target < 2 %)")
    if report["lines_missing"]:
        out.append(f"note: {report['lines_missing']} answer lines are not in the journal")
    return "\n".join(out)


def _read(path: str) -> Any:
    text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    return json.loads(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("answers", help="answers.json written by gen_cashapp.py")
    parser.add_argument("pay_show", help="the output of `bankrec pay show JNL --json` (- = stdin)")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument(
        "--check",
        action="store_true",
        help="exit 1 unless precision High >= 99.5 %%, recall High+Medium >= 90 %%, wrong < 2 %%",
    )
    args = parser.parse_args(argv)
    report = score(_read(args.answers), _read(args.pay_show))
    print(json.dumps(report, indent=2) if args.json else table(report))
    if args.check and not report["check"]["passed"]:
        for failure in report["check"]["failures"]:
            print(f"check failed: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
