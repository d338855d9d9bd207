"""Pure matching of bank statement lines to open entries, bank entries and text mappings.

Nothing here touches a database: the service layer loads plain records (``model``), calls
``match_journal`` or ``rank_candidates``, and stores the proposals (``result``).
"""

from __future__ import annotations

from bankrec.matching.engine import match_journal, rank_candidates
from bankrec.matching.model import (
    BankEntry,
    Converter,
    EntryKey,
    OpenEntry,
    Party,
    PaymentLine,
    Settings,
    TextMapping,
)
from bankrec.matching.result import (
    Candidate,
    Evidence,
    JournalMatch,
    LineMatch,
    NearMiss,
    ProposedApplication,
)
from bankrec.matching.rules import DEFAULT_RULES, MAPPING_SCORE, Rule, confidence_of

__all__ = [
    "DEFAULT_RULES",
    "MAPPING_SCORE",
    "BankEntry",
    "Candidate",
    "Converter",
    "EntryKey",
    "Evidence",
    "JournalMatch",
    "LineMatch",
    "NearMiss",
    "OpenEntry",
    "Party",
    "PaymentLine",
    "ProposedApplication",
    "Rule",
    "Settings",
    "TextMapping",
    "confidence_of",
    "match_journal",
    "rank_candidates",
]
