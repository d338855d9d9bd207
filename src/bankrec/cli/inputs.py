"""Reading input files and parsing option values into domain values with clear errors."""

from __future__ import annotations

import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import click


def read_text(path: str) -> tuple[str, str]:
    """The text of ``path`` (``-`` is stdin) and the name to use for it in messages."""
    from bankrec.errors import InputError, Location

    if path == "-":
        data, name = sys.stdin.buffer.read(), "<stdin>"
    else:
        try:
            data, name = Path(path).read_bytes(), path
        except OSError as exc:
            raise InputError(f"cannot read the file: {exc.strerror}", Location(path)) from None
    try:
        return data.decode("utf-8-sig"), name
    except UnicodeDecodeError as exc:
        raise InputError(
            f"byte {exc.start} is not UTF-8; save the file as UTF-8", Location(name)
        ) from None


class DecimalParam(click.ParamType[Decimal]):
    """A plain decimal such as ``-1250.50``; floats and exponents are refused."""

    name = "amount"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> Decimal:
        if isinstance(value, Decimal):
            return value
        from bankrec.domain.money import parse_amount

        try:
            return parse_amount(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


class DateParam(click.ParamType[date]):
    name = "date"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.fail(f'"{value}" is not a date; write it as YYYY-MM-DD', param, ctx)


DECIMAL = DecimalParam()
DATE = DateParam()


# Options the statement-reading commands (import, run) share, so they read alike everywhere.
FORMAT_OPTION = click.option(
    "--format",
    "fmt",
    type=click.Choice(["auto", "ofx", "camt", "mt940", "csv"]),
    default="auto",
    show_default=True,
    help="The file format (default: detected by content).",
)
PROFILE_OPTION = click.option(
    "--profile", metavar="NAME|PATH", help="CSV profile: a built-in name or a TOML file."
)
ALLOW_GAP_OPTION = click.option(
    "--allow-gap",
    is_flag=True,
    help="Accept and record an opening balance that does not continue the previous statement.",
)
