"""Who sent or received a payment: parties found by bank account or by a fuzzy name match.

BC compares every party name with every line by a brute-force longest common substring, which
misses "ACME LTD" for "ACME LIMITED" and is slow (reference 13.1, 14). Here a party is found by its
normalised account number, or by its identifying name words through a word index, and only those
few candidates are scored with rapidfuzz.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz, process

from bankrec.domain.accounts import account_keys
from bankrec.matching.model import Ledger, Party, PaymentLine
from bankrec.matching.rules import RelatedParty
from bankrec.matching.text import STOP_WORDS, address_key, name_key, name_words, words

RelatedHow = Literal["account", "name", "name_address", "unique_name"]
PartyKey = tuple[Ledger, str]

NAME_BUCKET_CAP = 500
"""A name word shared by more parties than this ("trading") finds nobody by itself, unless the
line's name has no rarer word."""
MIN_TEXT_NAME_LENGTH = 4
"""A name searched for in free text must have this many letters (BC's threshold)."""
_GERMAN_IBAN = re.compile(r"DE\d{2}(\d{8})(\d{10})")


def similarity(first: str, second: str) -> int:
    """How alike two company names are, 0-100, ignoring legal form, case, accents, word order.

    "ACME LTD" and "ACME LIMITED" score 100 (BC's nearness gives 75 and misses them).
    """
    return round(fuzz.token_sort_ratio(name_key(first), name_key(second)))


@dataclass(frozen=True, slots=True)
class PartyMatch:
    """Why a line is thought to come from (or go to) one party."""

    party: Party
    related: RelatedParty
    how: RelatedHow
    similarity: int
    account: str = ""
    in_text: bool = False

    @property
    def key(self) -> PartyKey:
        return (self.party.ledger, self.party.no)

    def describe(self) -> str:
        who = f"{self.party.ledger} {self.party.no} {self.party.name}"
        if self.how == "account":
            label = "IBAN" if self.account[:2].isalpha() else "account"
            return f"{label} {self.account} belongs to {who}"
        where = (
            "found in the text" if self.in_text else f"matched with {self.similarity}% similarity"
        )
        sentence = f"related party name {where}: {who}"
        if self.how == "name_address":
            return f"{sentence}; name, address and city are the same"
        if self.how == "unique_name":
            return f"{sentence}; no other {self.party.ledger} has a similar name"
        return sentence


def line_account_keys(account: str) -> set[str]:
    """Keys of the line's account; a German IBAN also yields its plain account number."""
    keys = account_keys(account)
    german = _GERMAN_IBAN.fullmatch(re.sub(r"\s+", "", account).upper())
    if german and len(german.group(2).lstrip("0")) >= 6:
        keys |= account_keys(f"{german.group(1)}/{german.group(2)}")
    return keys


class PartyBook:
    """All parties, indexed by account key and by identifying name word."""

    def __init__(self, parties: Iterable[Party], threshold: int) -> None:
        self.parties = sorted(parties, key=lambda p: (p.ledger, p.no))
        self.threshold = threshold
        self.by_key: dict[PartyKey, int] = {}
        self._by_account: dict[str, list[int]] = defaultdict(list)
        self._by_word: dict[str, list[int]] = defaultdict(list)
        self._keys: list[str] = []
        self._words: list[tuple[str, ...]] = []
        for index, party in enumerate(self.parties):
            self.by_key[(party.ledger, party.no)] = index
            for account in party.accounts:
                for key in sorted(account_keys(account)):
                    self._by_account[key].append(index)
            found = name_words(party.name)
            self._words.append(found)
            self._keys.append(" ".join(found))
            for word in sorted(set(found)):
                for key in _lookup_keys(word):
                    self._by_word[key].append(index)

    def get(self, key: PartyKey) -> Party | None:
        index = self.by_key.get(key)
        return None if index is None else self.parties[index]

    def match(self, line: PaymentLine) -> tuple[dict[PartyKey, PartyMatch], bool]:
        """Parties matching the line (Fully or Partially), and whether its account was known."""
        found: dict[PartyKey, PartyMatch] = {}
        by_account = self._by_account_number(line)
        line_name = name_key(line.counterparty_name)
        for index in by_account:
            party = self.parties[index]
            score = round(fuzz.token_sort_ratio(line_name, self._keys[index])) if line_name else 0
            match = PartyMatch(party, "fully", "account", score, line.counterparty_account)
            found[match.key] = match
        scored = self._by_name(line_name) if line_name else self._in_text(line.text)
        for ledger in ("customer", "vendor"):
            same_ledger = [(i, s) for i, s in scored if self.parties[i].ledger == ledger]
            for index, score in same_ledger:
                party = self.parties[index]
                if (party.ledger, party.no) not in found:
                    match = self._upgrade(line, party, score, unique=len(same_ledger) == 1)
                    found[match.key] = match
        return found, bool(by_account)

    def _by_account_number(self, line: PaymentLine) -> list[int]:
        hits: set[int] = set()
        for key in line_account_keys(line.counterparty_account):
            hits.update(self._by_account.get(key, ()))
        return sorted(hits)

    def _candidates(self, found: Iterable[str]) -> list[int]:
        buckets = [
            self._by_word[key]
            for word in sorted(set(found))
            if word not in STOP_WORDS and len(word) >= 2
            for key in _lookup_keys(word)
            if key in self._by_word
        ]
        usable = [bucket for bucket in buckets if len(bucket) <= NAME_BUCKET_CAP]
        if not usable and buckets:
            usable = [min(buckets, key=len)]
        return sorted(set().union(*usable)) if usable else []

    def _by_name(self, line_name: str) -> list[tuple[int, int]]:
        candidates = self._candidates(line_name.split())
        choices = [self._keys[i] for i in candidates]
        results = process.extract(
            line_name,
            choices,
            scorer=fuzz.token_sort_ratio,
            score_cutoff=self.threshold,
            limit=None,
        )
        return sorted((candidates[position], round(score)) for _, score, position in results)

    def _in_text(self, text: str) -> list[tuple[int, int]]:
        """Parties whose whole name stands in the text as a block of words (any order)."""
        text_words = words(text)
        hits = []
        for index in self._candidates(text_words):
            wanted = self._words[index]
            if len("".join(wanted)) >= MIN_TEXT_NAME_LENGTH and contains_block(text_words, wanted):
                hits.append((index, 100))
        return hits

    def _upgrade(self, line: PaymentLine, party: Party, score: int, unique: bool) -> PartyMatch:
        """Partially, or Fully when name, address and city agree or the name is unique."""
        in_text = not line.counterparty_name.strip()
        same_place = (
            bool(address_key(party.address))
            and bool(address_key(party.city))
            and address_key(party.address) == address_key(line.counterparty_address)
            and address_key(party.city) == address_key(line.counterparty_city)
        )
        if same_place:
            return PartyMatch(party, "fully", "name_address", score, in_text=in_text)
        if unique:
            return PartyMatch(party, "fully", "unique_name", score, in_text=in_text)
        return PartyMatch(party, "partially", "name", score, in_text=in_text)


def _lookup_keys(word: str) -> tuple[str, ...]:
    """A word and, when long, its first four letters: a typo after them still finds the party."""
    return (word, word[:4] + "*") if len(word) >= 5 else (word,)


def contains_block(text_words: list[str], wanted: tuple[str, ...]) -> bool:
    """Whether ``wanted`` stands in ``text_words`` as consecutive words, in any order."""
    size = len(wanted)
    if not size or size > len(text_words):
        return False
    target = sorted(wanted)
    first = set(wanted)
    return any(
        text_words[start] in first and sorted(text_words[start : start + size]) == target
        for start in range(len(text_words) - size + 1)
    )
