"""The priority queue of the route search: nodes, finished routes and lazy children.

Entries are ordered by f (a lower bound on the cost of any route through them), then
by deeper first (larger g), then by insertion. A `Try` entry stands for the next
cheapest child of a node; popping it makes that child and queues the one after, so a
goal with thousands of supporters only costs the children actually looked at.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterator
from dataclasses import dataclass

from .bounds import Climbs
from .budget import past
from .search import Goal, Route, Search, SearchResult, State

#: entries popped between two looks at the clock (a pop costs about 0.1-1 ms)
CHECK_EVERY = 16


@dataclass(frozen=True)
class Node:
    chosen: frozenset[int]
    g: int
    weeks: float
    branch: list[Goal]
    climbs: Climbs
    level: float


@dataclass(frozen=True)
class Done:
    chosen: frozenset[int]
    g: int
    weeks: float
    state: State


@dataclass(frozen=True)
class Try:
    chosen: frozenset[int]
    g: int
    weeks: float
    parent_f: float
    idx: int
    rest: Iterator[tuple[float, int]]


class BestFirst:
    """Exact when `weight` is 1 (f = g + h, routes cheapest first). With a larger weight the
    search is greedy (f = g + weight x h): it finds good routes fast but proves nothing; it is
    the fallback when the exact search reaches its node limit."""

    def __init__(
        self,
        search: Search,
        k: int,
        max_nodes: int,
        weight: float = 1.0,
    ) -> None:
        self.s, self.k, self.max_nodes, self.weight = search, k, max_nodes, weight
        self.heap: list[tuple[float, int, int, Node | Done | Try]] = []
        self.seq = itertools.count()
        self.seen: set[frozenset[int]] = set()
        self.nodes = 0
        self.max_weeks = search.filters.max_weeks

    def push(self, f: float, entry: Node | Done | Try) -> None:
        heapq.heappush(self.heap, (f, -entry.g, next(self.seq), entry))

    def add_node(self, chosen: frozenset[int], g: int, weeks: float, floor: float) -> None:
        if chosen in self.seen or (self.max_weeks is not None and weeks > self.max_weeks + 1e-9):
            return
        self.seen.add(chosen)
        self.nodes += 1
        state = self.s.evaluate(chosen)
        if not state.stuck and self.s.reaches(state):
            self.push(max(g, floor) if self.weight == 1.0 else g, Done(chosen, g, weeks, state))
            return
        h, branch, climbs = self.s.assess(state, greedy=self.weight != 1.0)
        if branch:
            f = max(g + h, floor) if self.weight == 1.0 else g + self.weight * h
            self.push(f, Node(chosen, g, weeks, branch, climbs, state.level))

    def add_next(self, node: Node | Try, f: float, rest: Iterator[tuple[float, int]]) -> None:
        for key, idx in rest:
            lower = max(f, node.g + key) if self.weight == 1.0 else f + key
            self.push(lower, Try(node.chosen, node.g, node.weeks, f, idx, rest))
            return

    def run(self) -> SearchResult:
        routes: list[Route] = []
        self.add_node(frozenset(), 0, 0.0, 0.0)
        exact, pops = self.weight == 1.0, 0
        while self.heap and len(routes) < self.k:
            pops += 1
            if self.nodes > self.max_nodes or (pops % CHECK_EVERY == 0 and past(exact)):
                return SearchResult(routes, self.nodes, truncated=True)
            f, _, _, entry = heapq.heappop(self.heap)
            if isinstance(entry, Done):
                if self.s.minimal(entry.chosen):
                    routes.append(Route(tuple(entry.state.order), entry.g, entry.weeks))
            elif isinstance(entry, Node):
                rest = self.s.candidates(entry.branch, entry.chosen, entry.climbs, entry.level)
                self.add_next(entry, f, rest)
            else:
                course = self.s.model.courses[entry.idx]
                cost = self.s.costs[entry.idx]
                self.add_node(
                    entry.chosen | {entry.idx}, entry.g + cost, entry.weeks + course.weeks, f
                )
                self.add_next(entry, entry.parent_f, entry.rest)
        return SearchResult(routes, self.nodes)
