"""Number series: the next document number, taken under a row lock."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from bankrec.db.models import NumberSeries
from bankrec.errors import NotFoundError, SetupError

_TRAILING_DIGITS = re.compile(r"(\d+)(?!.*\d)")


def increment(number: str) -> str:
    """``SI-0099`` -> ``SI-0100``: the last run of digits goes up by one, keeping its width."""
    match = _TRAILING_DIGITS.search(number)
    if not match:
        raise SetupError(f'number "{number}" has no digits to increment')
    digits = match.group(1)
    bumped = str(int(digits) + 1).zfill(len(digits))
    return number[: match.start(1)] + bumped + number[match.end(1) :]


def next_number(session: Session, code: str) -> str:
    series = session.scalars(
        select(NumberSeries).where(NumberSeries.code == code).with_for_update()
    ).first()
    if series is None:
        raise NotFoundError(f"number series {code} does not exist")
    number = increment(series.last_no_used) if series.last_no_used else series.starting_no
    series.last_no_used = number
    return number
