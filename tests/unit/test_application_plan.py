"""The pure application arithmetic, in minor units, before any database is involved."""

from __future__ import annotations

from datetime import date

from bankrec.domain.application import OpenItem, lcy_share, plan_application, split_lcy

DAY = date(2026, 2, 5)


def item(
    no: int,
    remaining: int,
    discount_date: date | None = None,
    discount_remaining: int = 0,
    max_tolerance: int = 0,
) -> OpenItem:
    return OpenItem(
        entry_no=no,
        posting_date=date(2026, 2, 1),
        remaining=remaining,
        remaining_lcy=remaining,
        discount_date=discount_date,
        discount_remaining=discount_remaining,
        max_tolerance=max_tolerance,
    )


def test_payment_closes_two_invoices_in_order() -> None:
    plan = plan_application(item(9, -30000), [item(1, 10000), item(2, 20000)], DAY)
    assert [c.applied for c in plan.targets] == [-10000, -20000]
    assert plan.applying.applied == 30000


def test_partial_payment_leaves_the_rest_open() -> None:
    plan = plan_application(item(9, -4000), [item(1, 10000)], DAY)
    assert plan.targets[0].total == -4000
    assert plan.applying.total == 4000


def test_discount_taken_only_by_the_discount_date() -> None:
    invoice = item(1, 100000, discount_date=date(2026, 2, 11), discount_remaining=2000)
    on_time = plan_application(item(9, -98000), [invoice], DAY)
    assert (on_time.targets[0].applied, on_time.targets[0].discount) == (-98000, -2000)
    late = plan_application(item(9, -98000), [invoice], date(2026, 2, 12))
    assert (late.targets[0].applied, late.targets[0].discount) == (-98000, 0)


def test_tolerance_closes_small_shortfall_and_overpayment() -> None:
    short = plan_application(item(9, -39700), [item(1, 40000, max_tolerance=400)], DAY)
    assert (short.targets[0].applied, short.targets[0].tolerance) == (-39700, -300)
    over = plan_application(item(9, -40200), [item(1, 40000, max_tolerance=400)], DAY)
    assert over.targets[0].applied == -40000
    assert (over.applying.applied, over.applying.tolerance) == (40000, 200)
    outside = plan_application(item(9, -39000), [item(1, 40000, max_tolerance=400)], DAY)
    assert outside.targets[0].tolerance == 0


def test_vendor_signs_mirror_customer_signs() -> None:
    plan = plan_application(item(9, 50000), [item(1, -50000)], DAY)
    assert plan.targets[0].applied == 50000
    assert plan.applying.applied == -50000


def test_lcy_share_takes_the_exact_rest_when_closing() -> None:
    usd = OpenItem(1, DAY, remaining=100, remaining_lcy=33, discount_date=None)
    assert lcy_share(usd, -100) == -33
    assert lcy_share(usd, -50) == -17  # 16.5 rounds half away from zero
    assert split_lcy(-33, [-60, -40, 0]) == [-20, -13, 0]
