"""The worked payment reconciliation cases A to I of reference section 13.4 (tolerance 0)."""

from __future__ import annotations

from datetime import date

from bankrec.matching import ProposedApplication
from tests.matching.factories import (
    ENTRIES,
    IBAN_C1,
    customer,
    invoice,
    line,
    run,
)


def test_a_group_of_named_invoices_is_applied_in_due_date_order() -> None:
    match = run([line(1, 125000, account="DE89 3704 0044 0532 0130 00", text="INV 103002 103001")])
    result = match.line(1)
    assert (result.confidence, result.score, result.target) == ("high", 3998, "entries")
    assert result.rule is not None
    assert not result.rule.review_required
    assert [a.document_no for a in result.applications] == ["103001", "103002"]
    assert [a.applied_amount for a in result.applications] == [100000, 25000]
    assert result.difference == 0
    assert result.evidence.doc_match == "yes_multiple"
    assert result.evidence.related_how == "account"
    assert not result.review_required


def test_b_unique_name_and_document_is_high() -> None:
    result = run([line(1, 100000, name="CONTOSO LTD", text="103001")]).line(1)
    assert (result.confidence, result.score) == ("high", 3996)
    assert result.evidence.related_party == "fully"
    assert result.evidence.related_how == "unique_name"
    assert result.applications == (ProposedApplication(1, "customer", "C1", "103001", 100000, 0),)


def test_c_unique_amount_alone_is_applied_low_for_review() -> None:
    """BC applies a unique amount (Low 4) and asks for review; bankrec does the same."""
    result = run([line(1, 50000, text="THANK YOU")]).line(1)
    assert (result.confidence, result.score) == ("low", 1996)
    assert result.review_required
    assert [a.entry_no for a in result.applications] == [3]


def test_c_prime_equal_amounts_alone_are_explained_not_applied() -> None:
    entries = (*ENTRIES, invoice(4, "C3", 50000, "105001"))
    parties = (
        customer("C1", "Contoso Ltd", IBAN_C1),
        customer("C2", "Fabrikam"),
        customer("C3", "Tailspin"),
    )
    result = run([line(1, 50000, text="THANK YOU")], entries=entries, parties=parties).line(1)
    assert result.confidence == "none"
    assert result.applications == ()
    assert result.evidence.amount_match == "multiple"
    assert result.evidence.alternatives_same_score == 1
    reason = next(d for d in result.details if "not applied" in d)
    assert "customer entry 3" in reason
    assert "customer entry 4" in reason


def test_d_partial_payment_is_medium() -> None:
    result = run([line(1, 60000, account=IBAN_C1, text="103001")]).line(1)
    assert (result.confidence, result.score) == ("medium", 2998)
    assert result.review_required
    assert result.applications[0].applied_amount == 60000
    assert result.difference == 0
    assert any("keeps 400.00 open" in d for d in result.details)


def test_e_overpayment_leaves_a_difference() -> None:
    result = run([line(1, 105000, account=IBAN_C1, text="103001")]).line(1)
    assert (result.confidence, result.score) == ("medium", 2998)
    assert result.applications[0].applied_amount == 100000
    assert result.difference == 5000


def test_f_text_mapping_posts_to_the_credit_account() -> None:
    result = run([line(1, -1250, text="MONTHLY FEE MYBANK")]).line(1)
    assert (result.confidence, result.score, result.target) == ("high", 3000, "mapping")
    assert (result.account_type, result.account_no) == ("gl", "60400")
    assert result.applications == (ProposedApplication(None, "gl", "60400", "", -1250, 0),)


def test_g_discounted_payment_closes_the_invoice_with_the_discount() -> None:
    discounted = invoice(
        1,
        "C1",
        100000,
        "103001",
        due=date(2026, 3, 10),
        discount_date=date(2026, 3, 10),
        discount_possible=2000,
    )
    entries = (discounted, *ENTRIES[1:])
    result = run(
        [line(1, 98000, day=date(2026, 3, 8), account=IBAN_C1, text="103001")], entries
    ).line(1)
    assert result.confidence == "high"
    assert result.evidence.amount_match == "one"
    assert result.applications == (
        ProposedApplication(1, "customer", "C1", "103001", 98000 + 2000, 2000),
    )
    applied = sum(a.applied_amount - a.discount for a in result.applications)
    assert applied == 98000
    assert result.difference == 0


def test_g_after_the_discount_date_the_discounted_amount_does_not_match() -> None:
    discounted = invoice(
        1, "C1", 100000, "103001", discount_date=date(2026, 3, 10), discount_possible=2000
    )
    entries = (discounted, *ENTRIES[1:])
    result = run(
        [line(1, 98000, day=date(2026, 3, 11), account=IBAN_C1, text="103001")], entries
    ).line(1)
    assert result.evidence.amount_match == "none"
    assert result.applications[0].discount == 0


def test_h_invoice_posted_after_the_payment_is_no_candidate() -> None:
    entries = (invoice(7, "C2", 30000, "106001", posted=date(2026, 3, 5)),)
    result = run([line(1, 30000, day=date(2026, 3, 1))], entries).line(1)
    assert result.confidence == "none"
    assert result.applications == ()
    assert result.near_misses[0].entry_no == 7
    assert result.near_misses[0].reason == (
        "invoice 106001 posted after the payment (2026-03-05 > 2026-03-01)"
    )


def test_i_refund_cannot_pay_an_invoice() -> None:
    result = run([line(1, -100000, text="103001")]).line(1)
    assert result.confidence == "none"
    assert result.near_misses[0].entry_no == 1
    assert result.near_misses[0].reason.startswith("sign differs: a refund cannot pay")
    assert result.difference == -100000
