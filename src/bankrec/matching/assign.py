"""Choosing one option per line for the whole journal, within every entry's capacity.

BC assigns greedily, best score first, so the first line to grab an entry keeps it even when
another line had no other use for it (reference 5.7). Here the journal is split into conflict
components (lines linked by an entry they could not all be given); each component is solved for
the highest total score, ties broken by a total order on content, so the input order never
matters:

- a component where every conflict is over one whole entry is an assignment problem, solved
  exactly by ``scipy.optimize.linear_sum_assignment`` (by its sparse twin,
  ``min_weight_full_bipartite_matching``, above ``LSA_MAX_LINES`` lines);
- any other component (groups overlapping single entries, instalments sharing an entry) is
  solved by branch and bound from the greedy answer, within a node limit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from bankrec.matching.apply import Demand
from bankrec.matching.model import EntryKey

SEARCH_NODES = 20_000
"""Branch and bound gives up (keeping the best answer found) after this many nodes."""
LSA_MAX_LINES = 2000
_PREF_LEVELS = 1000


class Choice(NamedTuple):
    """An applicable option of one line as the assignment sees it."""

    line: int
    option: int
    score: int
    key: tuple[Any, ...]
    demands: tuple[Demand, ...]


def assign(
    per_line: Sequence[Sequence[Choice]],
    capacity: Mapping[EntryKey, int],
    tie_break: bool = True,
) -> list[Choice | None]:
    """The chosen option of each line (or None), maximising the total score.

    Equal totals are decided by the choices' ``key`` order; with ``tie_break`` false they are
    not, and the scores reach the solver unscaled (a caller that finds the ties itself, as bank
    reconciliation does, keeps the full precision of large scores).
    """
    chosen: list[Choice | None] = [None] * len(per_line)
    contested = _contested(per_line, capacity)
    for component in _components(per_line, contested):
        if len(component) == 1:
            options = per_line[component[0]]
            chosen[component[0]] = options[0] if options else None
            continue
        keys = sorted(
            {d.key for line in component for c in per_line[line] for d in c.demands} & contested
        )
        solver = _Component(component, per_line, {k: capacity.get(k, 0) for k in keys}, tie_break)
        for line, choice in zip(component, solver.solve(), strict=True):
            chosen[line] = choice
    return chosen


def _contested(
    per_line: Sequence[Sequence[Choice]], capacity: Mapping[EntryKey, int]
) -> set[EntryKey]:
    """Entries that cannot serve every line wanting them at once."""
    wanted: dict[EntryKey, list[tuple[int, bool]]] = defaultdict(list)
    for options in per_line:
        most: dict[EntryKey, tuple[int, bool]] = {}
        for choice in options:
            for demand in choice.demands:
                amount, closes = most.get(demand.key, (0, False))
                most[demand.key] = (max(amount, demand.amount), closes or demand.closes)
        for key, value in most.items():
            wanted[key].append(value)
    return {
        key
        for key, claims in wanted.items()
        if len(claims) > 1
        and (
            any(closes for _, closes in claims) or sum(a for a, _ in claims) > capacity.get(key, 0)
        )
    }


def _components(per_line: Sequence[Sequence[Choice]], contested: set[EntryKey]) -> list[list[int]]:
    parent = list(range(len(per_line)))

    def root(item: int) -> int:
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    first_line: dict[EntryKey, int] = {}
    for line, options in enumerate(per_line):
        for choice in options:
            for demand in choice.demands:
                if demand.key in contested:
                    other = first_line.setdefault(demand.key, line)
                    parent[root(line)] = root(other)
    groups: dict[int, list[int]] = defaultdict(list)
    for line in range(len(per_line)):
        groups[root(line)].append(line)
    return sorted(groups.values())


class _Component:
    """One conflict component: its lines, their options and the contested capacities."""

    def __init__(
        self,
        lines: list[int],
        per_line: Sequence[Sequence[Choice]],
        capacity: dict[EntryKey, int],
        tie_break: bool = True,
    ) -> None:
        self.lines = lines
        self.options = [list(per_line[line]) for line in lines]
        self.capacity = capacity
        ranked = sorted((c for options in self.options for c in options), key=lambda c: c.key)
        self.pref = {
            (c.line, c.option): (len(ranked) - position) if tie_break else 0
            for position, c in enumerate(ranked)
        }
        self.scale = len(ranked) * len(lines) + 1 if tie_break else 1
        self.levels = _PREF_LEVELS if tie_break else 0

    def weight(self, choice: Choice) -> int:
        return choice.score * self.scale + self.pref[(choice.line, choice.option)]

    def solve(self) -> list[Choice | None]:
        if self._one_entry_conflicts():
            if len(self.lines) <= LSA_MAX_LINES:
                return self._assignment()
            return self._sparse_assignment()
        return self._branch_and_bound()

    # -- capacity ----------------------------------------------------------------------------

    def fits(self, choice: Choice, left: dict[EntryKey, int]) -> bool:
        for demand in choice.demands:
            if demand.key not in left:
                continue
            if demand.closes and left[demand.key] != self.capacity[demand.key]:
                return False
            if demand.amount > left[demand.key]:
                return False
        return True

    def take(self, choice: Choice, left: dict[EntryKey, int], sign: int) -> None:
        """Use (``sign`` 1) or give back (-1) the contested capacity of ``choice``."""
        for demand in choice.demands:
            if demand.key in left:
                used = self.capacity[demand.key] if demand.closes else demand.amount
                left[demand.key] -= sign * used

    # -- exact assignment when each conflict is over one whole entry -------------------------

    def _one_entry_conflicts(self) -> bool:
        for options in self.options:
            for choice in options:
                if sum(d.key in self.capacity for d in choice.demands) > 1:
                    return False
        least: dict[EntryKey, list[int]] = defaultdict(list)
        closing: set[EntryKey] = set()
        for options in self.options:
            per_key: dict[EntryKey, int] = {}
            for choice in options:
                for d in choice.demands:
                    if d.key in self.capacity:
                        per_key[d.key] = min(per_key.get(d.key, d.amount), d.amount)
                        if d.closes:
                            closing.add(d.key)
            for key, amount in per_key.items():
                least[key].append(amount)
        return all(
            key in closing or sum(sorted(amounts)[:2]) > self.capacity[key]
            for key, amounts in least.items()
        )

    def _assignment(self) -> list[Choice | None]:
        keys = sorted(self.capacity)
        column = {key: i for i, key in enumerate(keys)}
        rows, width = len(self.lines), len(keys) + len(self.lines)
        scale = self.levels * rows + 1
        ranked_total = max(self.pref.values(), default=1) or 1
        forbidden = -1.0e15
        matrix = [[forbidden] * width for _ in range(rows)]
        best: dict[tuple[int, int], Choice] = {}
        for row, options in enumerate(self.options):
            matrix[row][len(keys) + row] = 0.0
            for choice in options:
                pref = self.pref[(choice.line, choice.option)] * self.levels // ranked_total
                value = float(choice.score * scale + pref)
                contested = [d.key for d in choice.demands if d.key in self.capacity]
                col = column[contested[0]] if contested else len(keys) + row
                if value > matrix[row][col]:
                    matrix[row][col] = value
                    best[(row, col)] = choice
        from scipy.optimize import linear_sum_assignment  # loaded only for a real conflict

        row_ind, col_ind = linear_sum_assignment(matrix, maximize=True)
        result: list[Choice | None] = [None] * rows
        for row, col in zip(row_ind.tolist(), col_ind.tolist(), strict=True):
            result[row] = best.get((row, col))
        return result

    def _sparse_assignment(self) -> list[Choice | None]:
        """The same problem as ``_assignment`` for a large component, without a dense matrix.

        Every line gets its own "unassigned" column, so a full matching of the rows exists; a
        cost of ``top + 1 - value`` (never zero: a sparse zero is no edge) turns the maximum
        total value into the minimum total cost, since every row takes exactly one cell.
        """
        keys = sorted(self.capacity)
        column = {key: i for i, key in enumerate(keys)}
        rows, width = len(self.lines), len(keys) + len(self.lines)
        scale = self.levels * rows + 1
        ranked_total = max(self.pref.values(), default=1) or 1
        cells: dict[tuple[int, int], tuple[int, Choice | None]] = {}
        for row, options in enumerate(self.options):
            cells[(row, len(keys) + row)] = (0, None)
            for choice in options:
                pref = self.pref[(choice.line, choice.option)] * self.levels // ranked_total
                value = choice.score * scale + pref
                contested = [d.key for d in choice.demands if d.key in self.capacity]
                col = column[contested[0]] if contested else len(keys) + row
                if (row, col) not in cells or value > cells[(row, col)][0]:
                    cells[(row, col)] = (value, choice)
        top = max(value for value, _ in cells.values())
        positions = sorted(cells)
        from scipy.sparse import csr_matrix
        from scipy.sparse.csgraph import min_weight_full_bipartite_matching

        matrix = csr_matrix(
            (
                [float(top + 1 - cells[p][0]) for p in positions],
                ([p[0] for p in positions], [p[1] for p in positions]),
            ),
            shape=(rows, width),
        )
        row_ind, col_ind = min_weight_full_bipartite_matching(matrix)
        result: list[Choice | None] = [None] * rows
        for row, col in zip(row_ind.tolist(), col_ind.tolist(), strict=True):
            result[row] = cells[(row, col)][1]
        return result

    # -- branch and bound for everything else ------------------------------------------------

    def _greedy(self) -> list[Choice | None]:
        left = dict(self.capacity)
        picked: list[Choice | None] = [None] * len(self.lines)
        position = {line: i for i, line in enumerate(self.lines)}
        ranked = sorted((c for options in self.options for c in options), key=lambda c: c.key)
        for choice in ranked:
            row = position[choice.line]
            if picked[row] is None and self.fits(choice, left):
                picked[row] = choice
                self.take(choice, left, 1)
        return picked

    def _branch_and_bound(self) -> list[Choice | None]:
        best = self._greedy()
        best_weight = sum(self.weight(c) for c in best if c)
        ceiling = [max((self.weight(c) for c in options), default=0) for options in self.options]
        remaining = [sum(ceiling[i:]) for i in range(len(ceiling) + 1)]
        left = dict(self.capacity)
        picks: list[Choice | None] = []
        nodes = 0

        def visit(row: int, weight: int) -> None:
            nonlocal best, best_weight, nodes
            nodes += 1
            if nodes > SEARCH_NODES or weight + remaining[row] <= best_weight:
                return
            if row == len(self.lines):
                best, best_weight = list(picks), weight
                return
            for choice in self.options[row]:
                if self.fits(choice, left):
                    self.take(choice, left, 1)
                    picks.append(choice)
                    visit(row + 1, weight + self.weight(choice))
                    picks.pop()
                    self.take(choice, left, -1)
            picks.append(None)
            visit(row + 1, weight)
            picks.pop()

        visit(0, 0)
        return best
