"""Choose the importer for a file by its content: exactly one may claim it.

CSV exports carry no format marker, so each CSV profile is a claimant of its own and must
recognise its bank's header precisely.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bankrec.errors import InputError, Location
from bankrec.importers.base import SNIFF_BYTES, StatementImporter

FORMATS = ("auto", "ofx", "camt", "mt940", "csv")


@dataclass(frozen=True)
class Choice:
    importer: StatementImporter
    label: str
    """``ofx``, ``camt``, ``mt940`` or ``csv:<profile>``: what the report shows."""


def _structured() -> list[Choice]:
    from bankrec.importers.camt import CamtImporter
    from bankrec.importers.mt940 import Mt940Importer
    from bankrec.importers.ofx import OfxImporter

    return [
        Choice(OfxImporter(), "ofx"),
        Choice(CamtImporter(), "camt"),
        Choice(Mt940Importer(), "mt940"),
    ]


def _csv(profile: str | None) -> list[Choice]:
    from bankrec.importers.csv_profile import builtin_profiles, load_profile
    from bankrec.importers.csv_statement import CsvImporter

    if profile is None:
        profiles = builtin_profiles()
    elif profile.endswith(".toml") or Path(profile).is_file():
        profiles = [load_profile(Path(profile))]
    else:
        profiles = [p for p in builtin_profiles() if p.name == profile]
        if not profiles:
            names = ", ".join(sorted(p.name for p in builtin_profiles()))
            raise InputError(f"no built-in CSV profile {profile}; the profiles are {names}")
    return [Choice(CsvImporter(p), f"csv:{p.name}") for p in profiles]


def choose(head: bytes, source: str, fmt: str = "auto", profile: str | None = None) -> Choice:
    """The one importer for the file starting with ``head``; an error names the candidates."""
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt}; use one of {', '.join(FORMATS)}")
    if profile is not None and fmt not in ("auto", "csv"):
        raise InputError("--profile is for CSV files; leave out --format or use --format csv")
    if profile is not None or fmt == "csv":
        candidates = _csv(profile)
    else:
        candidates = [c for c in _structured() if fmt in ("auto", c.label)]
        if fmt == "auto":
            candidates += _csv(None)
    sample = head[:SNIFF_BYTES]
    claimed = [c for c in candidates if c.importer.claims(sample)]
    if len(claimed) == 1:
        return claimed[0]
    if len(candidates) == 1 and fmt != "auto":
        return candidates[0]
    location = Location(source)
    if not claimed:
        raise InputError(
            "not a statement format bankrec recognises (OFX, CAMT, MT940, or a CSV export of a "
            "known bank); name the format with --format, or give a CSV profile with --profile",
            location,
        )
    labels = ", ".join(c.label for c in claimed)
    raise InputError(
        f"several importers claim this file ({labels}); choose one with --format "
        "(and --profile for CSV)",
        location,
    )
