"""What every command gets: the database handle, the user, and the output helpers."""

from __future__ import annotations

import getpass
import json
import sys
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from rich.console import Console

    from bankrec.services.database import Database


PIPED_WIDTH = 160


@dataclass
class AppContext:
    db_url: str | None
    debug: bool = False
    quiet: bool = False
    user_option: str | None = None
    _db: Database | None = field(default=None, repr=False)

    @property
    def db(self) -> Database:
        if self._db is None:
            from bankrec.config import resolve_database_url
            from bankrec.services.database import Database

            self._db = Database(resolve_database_url(self.db_url))
        return self._db

    @property
    def user(self) -> str:
        if self.user_option:
            return self.user_option
        try:
            return getpass.getuser()
        except (KeyError, OSError):  # no passwd entry, e.g. in a minimal container
            return "unknown"

    @cached_property
    def console(self) -> Console:
        from rich.console import Console

        # Piped output has no terminal width to fit; a wide page keeps each row on one line.
        width = None if sys.stdout.isatty() else PIPED_WIDTH
        return Console(soft_wrap=False, width=width)

    def notice(self, message: str) -> None:
        """A remark for a person: stderr, and only when not --quiet."""
        if not self.quiet:
            click.echo(message, err=True)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()


def app(ctx: click.Context) -> AppContext:
    obj = ctx.find_object(AppContext)
    assert obj is not None, "the root command sets the context object"
    return obj


pass_app = click.make_pass_decorator(AppContext)


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def emit_json(document: Any) -> None:
    """One JSON document on stdout: amounts as strings, dates as YYYY-MM-DD."""
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False, default=_json_default))
    sys.stdout.write("\n")


json_option = click.option(
    "--json", "as_json", is_flag=True, help="Write one JSON document to stdout."
)
