"""One-to-one assignment of lines to entries for the whole statement, and the ties it leaves.

The best total is found by the payment engine's conflict-component assignment (``assign``,
``scipy.optimize.linear_sum_assignment`` per component). Business Central would then keep
whichever of several equally good answers its scan order reached first (reference 13.5: two
-250.00 checks end up crossed). Here a pair is kept only when it belongs to *every* optimal
assignment; the others are reported as ties and left for the user.

Which pairs are in every optimum is decided exactly. Take the optimal matching and its
residual graph (a matched pair can be released for its weight, an unmatched one taken for minus
its weight, a free entry or a line's "no match" can close a path). Another optimum differs from
this one by cycles of total cost zero. Shortest-path potentials (Bellman-Ford; the matching is
optimal, so there is no negative cycle) make every edge's reduced cost non-negative, and an edge
lies on a zero cycle exactly when its reduced cost is zero and both ends are in one strongly
connected component of the zero-cost edges.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from bankrec.matching.apply import Demand
from bankrec.matching.assign import Choice, assign
from bankrec.matching.model import EntryKey

T = TypeVar("T", bound=Hashable)
Node = tuple[str, int]
TieGroup = tuple[tuple[int, ...], tuple[int, ...]]
INNER_LIMIT = 1000
"""Every pair's points within its band are below this (``reconcile_pairs.score_of``)."""
MAX_EXACT_LINES = 1000
"""Above this many lines competing in one component, the weights that rank the bands would
outgrow a float's exact integers; such a component is left undecided (nothing of it matched)."""


@dataclass(frozen=True, slots=True)
class Edge:
    """A candidate pair: line and entry positions, the band's rank and the points within it,
    a content key that orders equal weights (smaller is better), and the entry's open amount."""

    line: int
    entry: int
    rank: int
    inner: int
    key: tuple[Any, ...]
    entry_no: int
    capacity: int


@dataclass(frozen=True, slots=True)
class Solution:
    """Pairs in every optimal assignment, and groups of lines and entries that tie."""

    matched: tuple[Edge, ...]
    ties: tuple[TieGroup, ...]
    undecided: tuple[TieGroup, ...] = ()
    """Components whose optimum could not be proved (never seen below thousands of lines
    competing for the same entries); nothing of them is matched."""


class UnionFind(Generic[T]):
    """Disjoint sets over hashable items."""

    def __init__(self) -> None:
        self.parent: dict[T, T] = {}

    def find(self, item: T) -> T:
        root = self.parent.setdefault(item, item)
        while root != self.parent[root]:
            root = self.parent[root]
        while item != root:
            item, self.parent[item] = self.parent[item], root
        return root

    def union(self, first: T, second: T) -> None:
        self.parent[self.find(first)] = self.find(second)


def solve(edges: Sequence[Edge]) -> Solution:
    """The pairs every optimal one-to-one assignment shares, and the tied groups.

    Bands are compared lexicographically: no number of medium matches outweighs one high match,
    and points within a band only count between assignments with as many matches of each band.
    """
    sets: UnionFind[Node] = UnionFind()
    for edge in edges:
        sets.union(("l", edge.line), ("e", edge.entry))
    components: dict[Node, list[Edge]] = defaultdict(list)
    for edge in edges:
        components[sets.find(("l", edge.line))].append(edge)
    matched: list[Edge] = []
    ties: list[TieGroup] = []
    undecided: list[TieGroup] = []
    for members in components.values():
        if len(members) == 1:
            matched.extend(members)
            continue
        lines = {e.line for e in members}
        if len(lines) > MAX_EXACT_LINES:
            undecided.append((tuple(sorted(lines)), tuple(sorted({e.entry for e in members}))))
            continue
        component = _Component(members)
        from scipy.sparse.csgraph import NegativeCycleError  # scipy loads only when needed

        try:
            forced, tied = component.analyse()
        except NegativeCycleError:  # pragma: no cover - the weights stay exact below the cap
            undecided.append(component.everything())
            continue
        matched.extend(forced)
        ties.extend(tied)
    matched.sort(key=lambda e: (e.line, e.entry))
    return Solution(tuple(matched), tuple(sorted(ties)), tuple(sorted(undecided)))


class _Component:
    """One conflict component: its optimal matching and the residual graph around it."""

    def __init__(self, edges: list[Edge]) -> None:
        self.edges = edges
        self.rows = sorted({e.line for e in edges})
        self.cols = sorted({e.entry for e in edges})
        size = len(self.rows) + 1
        self.base = [0, INNER_LIMIT * size, INNER_LIMIT * size * size, INNER_LIMIT * size**3]
        self.chosen = self._optimum()
        rows, cols = len(self.rows), len(self.cols)
        self.row_id = {line: i for i, line in enumerate(self.rows)}
        self.col_id = {entry: rows + j for j, entry in enumerate(self.cols)}
        self.size = 2 * rows + cols + 1  # rows, entries, one "no match" per row, the free pool
        self.arcs = self._arcs()

    def weight(self, edge: Edge) -> int:
        """Each band is worth more than all lower bands of the component together."""
        return self.base[edge.rank] + edge.inner

    def everything(self) -> TieGroup:
        return tuple(self.rows), tuple(self.cols)

    def _optimum(self) -> dict[int, Edge]:
        """One optimal assignment (line -> edge), from the payment engine's solver."""
        per_line: dict[int, list[Edge]] = defaultdict(list)
        for edge in self.edges:
            per_line[edge.line].append(edge)
        options: list[list[Choice]] = []
        for row, line in enumerate(self.rows):
            ranked = sorted(per_line[line], key=lambda e: (-self.weight(e), e.key))
            per_line[line] = ranked
            options.append(
                [
                    Choice(
                        row,
                        k,
                        self.weight(e),
                        e.key,
                        (Demand(("bank", e.entry_no), e.capacity, True),),
                    )
                    for k, e in enumerate(ranked)
                ]
            )
        capacity: dict[EntryKey, int] = {("bank", e.entry_no): e.capacity for e in self.edges}
        picked = assign(options, capacity, tie_break=False)
        return {
            self.rows[row]: per_line[self.rows[row]][choice.option]
            for row, choice in enumerate(picked)
            if choice is not None
        }

    def _arcs(self) -> list[tuple[int, int, int]]:
        rows, cols = len(self.rows), len(self.cols)
        pool = self.size - 1
        arcs: list[tuple[int, int, int]] = []
        taken = {self.col_id[e.entry] for e in self.chosen.values()}
        for edge in self.edges:
            row, col = self.row_id[edge.line], self.col_id[edge.entry]
            if self.chosen.get(edge.line) is edge:
                arcs.append((col, row, self.weight(edge)))  # give the entry back
            else:
                arcs.append((row, col, -self.weight(edge)))  # take it instead
        for line, row in self.row_id.items():
            alone = rows + cols + row
            if line in self.chosen:
                arcs += [(row, alone, 0), (alone, pool, 0)]
            else:
                arcs += [(alone, row, 0), (pool, alone, 0)]
        for col in self.col_id.values():
            arcs.append((pool, col, 0) if col in taken else (col, pool, 0))
        return arcs

    def _potentials(self) -> list[float]:
        """Shortest distances from a source joined to every node (cost 1 each, which shifts
        every distance alike); raises ``NegativeCycleError`` if the matching is not optimal."""
        from scipy.sparse import csr_matrix
        from scipy.sparse.csgraph import bellman_ford

        source = self.size
        tails = [t for t, _, _ in self.arcs] + [source] * self.size
        heads = [h for _, h, _ in self.arcs] + list(range(self.size))
        costs = [float(c) for _, _, c in self.arcs] + [1.0] * self.size
        graph = csr_matrix((costs, (tails, heads)), shape=(self.size + 1, self.size + 1))
        distances = bellman_ford(graph, directed=True, indices=source)
        return [float(d) for d in distances[: self.size]]

    def analyse(self) -> tuple[list[Edge], list[TieGroup]]:
        import numpy as np
        from scipy.sparse import csr_matrix
        from scipy.sparse.csgraph import connected_components

        distance = self._potentials()
        tight = [(t, h) for t, h, c in self.arcs if distance[t] + c == distance[h]]
        graph = csr_matrix(
            (np.ones(len(tight)), ([t for t, _ in tight], [h for _, h in tight])),
            shape=(self.size, self.size),
        )
        _, label = connected_components(graph, directed=True, connection="strong")
        on_cycle = {(t, h) for t, h in tight if label[t] == label[h]}
        groups: UnionFind[Node] = UnionFind()
        loose: set[int] = set()
        for edge in self.edges:
            row, col = self.row_id[edge.line], self.col_id[edge.entry]
            arc = (col, row) if self.chosen.get(edge.line) is edge else (row, col)
            if arc in on_cycle:
                groups.union(("l", edge.line), ("e", edge.entry))
                loose.add(edge.line)
        forced = [e for line, e in self.chosen.items() if line not in loose]
        tied: dict[Node, tuple[set[int], set[int]]] = {}
        for node in list(groups.parent):
            lines, entries = tied.setdefault(groups.find(node), (set(), set()))
            (lines if node[0] == "l" else entries).add(node[1])
        return forced, [
            (tuple(sorted(lines)), tuple(sorted(entries))) for lines, entries in tied.values()
        ]
