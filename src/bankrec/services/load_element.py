"""Typed access to one element of a master data JSON document, with errors that name it."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from bankrec.domain.money import parse_amount
from bankrec.errors import InputError, Location
from bankrec.services.masterdata_inputs import normalise_iban


class Element:
    """Typed access to one JSON object, raising errors that name its path."""

    def __init__(self, data: Any, path: str, source: str) -> None:
        if not isinstance(data, dict):
            raise InputError("expected an object", Location(source, element=path))
        self.data, self.path, self.source = data, path, source

    def fail(self, message: str, key: str | None = None) -> InputError:
        element = f"{self.path}.{key}" if key else self.path
        return InputError(message, Location(self.source, element=element))

    def text(self, key: str, required: bool = False, default: str = "") -> str:
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                raise self.fail("is required", key)
            return default
        if not isinstance(value, str | int) or isinstance(value, bool):
            raise self.fail(f"expected text, got {json.dumps(value)}", key)
        return str(value)

    def optional_text(self, key: str) -> str | None:
        return self.text(key) or None

    def flag(self, key: str, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(f"expected true or false, got {json.dumps(value)}", key)
        return value

    def decimal(self, key: str) -> Decimal | None:
        value = self.data.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, float):
            raise self.fail(
                f'write amounts and rates as strings ("{value}"), not JSON numbers', key
            )
        try:
            return parse_amount(str(value))
        except ValueError as exc:
            raise self.fail(str(exc), key) from None

    def day(self, key: str) -> date:
        raw = self.text(key, required=True)
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise self.fail(f'"{raw}" is not a date; write it as YYYY-MM-DD', key) from None

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail("expected a list of strings", key)
        return tuple(value)

    def ibans(self, key: str) -> tuple[str, ...]:
        """A list of IBANs, each checked here so that an error names the bad one."""
        values = self.strings(key)
        for index, value in enumerate(values):
            try:
                normalise_iban(value)
            except ValueError as exc:
                raise self.fail(str(exc), f"{key}[{index}]") from None
        return values

    def iban(self, key: str) -> str | None:
        """One optional IBAN, checked here so that an error names its field."""
        value = self.optional_text(key)
        if value is not None:
            try:
                normalise_iban(value)
            except ValueError as exc:
                raise self.fail(str(exc), key) from None
        return value

    def build(self, make: Callable[[], Any]) -> Any:
        """Run a constructor that validates; its ValueError becomes an error at this element."""
        try:
            return make()
        except ValueError as exc:
            raise self.fail(str(exc)) from None

    def whole(self, key: str, default: int, minimum: int = 0) -> int:
        value = self.data.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            raise self.fail(f"expected a whole number of at least {minimum}", key)
        return value

    def children(self, key: str) -> list[Element]:
        """The objects of an optional list, each addressable as ``key[i]``."""
        value = self.data.get(key) or []
        if not isinstance(value, list):
            raise self.fail("expected a list", key)
        return [Element(v, f"{self.path}.{key}[{i}]", self.source) for i, v in enumerate(value)]

    def check_keys(self, known: set[str]) -> None:
        unknown = sorted(set(self.data) - known)
        if unknown:
            raise self.fail(
                f"unknown field(s) {', '.join(unknown)}; the fields are {', '.join(sorted(known))}"
            )
