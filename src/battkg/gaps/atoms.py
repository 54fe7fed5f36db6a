"""The course-role links kept per requirement atom, so that no one enumerates course x role.

The links of useful.py are a union over atoms: a role's courses are, in each country and for
each start, the courses useful for the atoms its requirement needs, and the courses useful
for an atom are those serving it and those useful for the atoms their own entry needs. This
module keeps that structure instead of its product (56.8 million links at 50,000 generated
courses, against a few million triples here):

- an *atom node* is one atom as the starts of one country meet it, identified by the courses
  useful for it (two starts that find the same courses useful for an atom share one node);
- `course servesAtom node`: the course meets the atom and some start lacking it can enter it
  without it (useful.py's "serves");
- `node needsAtom node'`: a course serving the first is entered with the second (needed);
- `role needsAtom node`: the role's requirement needs the atom, for some start of the country.

A course leads to a role exactly when `role needsAtom+ node` and `course servesAtom node`
(tests/test_gap_links.py holds these pairs equal to `links.link_bits`): every node's useful
courses are its serving courses and those of the nodes it needs, by construction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from ..pathways.bitsets import bits_of
from ..pathways.bitsets import indexes_of as members
from ..pathways.filters import Filters
from ..pathways.model import PathwayModel, Start
from ..pathways.search import Goal
from .useful import each_start


@dataclass
class AtomNode:
    country: str  # the country's IRI ("" when the model has no country)
    atom: Goal
    #: the courses useful for the atom here (as bits): what identifies the node
    done: int
    serving: int = 0
    needs: set[int] = field(default_factory=set)


@dataclass
class AtomGraph:
    nodes: list[AtomNode]
    #: role IRI -> the nodes its requirement needs
    roles: dict[str, set[int]]

    def link_bits(self) -> dict[str, int]:
        """For each role, the courses leading to it (the union of its nodes' useful courses)."""
        out = {}
        for role, nodes in self.roles.items():
            bits = 0
            for n in nodes:
                bits |= self.nodes[n].done
            out[role] = bits
        return out

    def linked(self) -> dict[str, int]:
        """For each role, the courses leading to it read from the edges alone (serving courses
        of the atoms it reaches through `needs`): after `compact`, still `link_bits`."""
        useful = below_union([sorted(n.needs) for n in self.nodes], [n.serving for n in self.nodes])
        out = {}
        for role, nodes in self.roles.items():
            bits = 0
            for n in nodes:
                bits |= useful[n]
            out[role] = bits
        return out

    def size(self) -> int:
        """Links between things in this graph (serving, needs, role needs)."""
        return sum(n.serving.bit_count() + len(n.needs) for n in self.nodes) + sum(
            len(v) for v in self.roles.values()
        )


def atom_graph(
    model: PathwayModel,
    starts: Sequence[Start],
    places: Sequence[Filters],
    countries: Sequence[str],
) -> AtomGraph:
    """The atom nodes of every country (`places[i]` is the filter of `countries[i]`) and what
    each role needs: the structure behind `links.link_bits`, made by the same pass."""
    role_iris = [r for r in sorted(model.roles) if model.roles[r].requirement]
    requirements = [model.roles[r].requirement for r in role_iris]
    nodes: list[AtomNode] = []
    needed: dict[str, set[int]] = {r: set() for r in role_iris}
    for country, filters in zip(countries, places, strict=True):
        ids: dict[tuple[Goal, int], int] = {}
        #: table -> atom -> its node (-1: no course is useful for it); a table's atoms, once
        #: closed, keep their courses, so each is looked up (hashing its courses) only once
        node_of: dict[int, dict[Goal, int]] = {}
        for table, needs in each_start(model, starts, filters, requirements):  # type: ignore[arg-type]
            mine = node_of.setdefault(id(table), {})
            made = []
            for atom in table.closed[len(mine) :]:  # first every new node, then their edges
                done = table.done[atom]
                n = -1
                if done:
                    key = (atom, done)
                    n = ids.get(key, -1)
                    if n < 0:
                        n = ids[key] = len(nodes)
                        nodes.append(AtomNode(country, atom, done))
                        made.append((atom, n))
                mine[atom] = n
            # a node's courses are its serving courses and those of the atoms it needs, in
            # the table that made it: one table's edges are enough (another's would give the
            # same courses)
            for atom, n in made:
                node = nodes[n]
                node.serving = table.serving(atom)
                node.needs = {b for below in table.successors(atom) if (b := mine[below]) >= 0}
            for role, atoms in zip(role_iris, needs, strict=True):
                for atom in atoms:
                    n = mine.get(atom, -1)
                    if n >= 0:
                        needed[role].add(n)
    return AtomGraph(nodes, {r: n for r, n in needed.items() if n})


def compact(graph: AtomGraph) -> None:
    """Drop the edges of `graph` that change no link, so that it stays small where the links
    are dense (every course of a country leading to nearly every role):

    - an atom's needed atom whose useful courses its serving courses and its other needed
      atoms (of components below its own) already give; a role's needed atom likewise;
    - a course's served atom whose roles (those needing it, directly or through the atoms
      above it) the course's other served atoms already give.

    The (course, role) pairs stay exactly those of `link_bits` (each step keeps the union it
    is checked against; edges within a cycle are kept, so no atom stands on a circle)."""
    nodes = graph.nodes
    needs = [sorted(n.needs) for n in nodes]
    component = [0] * len(nodes)
    for at, found in enumerate(components(len(nodes), needs.__getitem__)):
        for m in found:
            component[m] = at
    size = [n.done.bit_count() for n in nodes]
    for i, node in enumerate(nodes):
        same = [b for b in needs[i] if component[b] == component[i]]
        lower = sorted(
            (b for b in needs[i] if component[b] != component[i]), key=lambda b: -size[b]
        )
        node.needs = set(same) | set(_cover(lower, lambda b: nodes[b].done, node.serving))
    for role, needed in graph.roles.items():
        ordered = sorted(needed, key=lambda b: -size[b])
        graph.roles[role] = set(_cover(ordered, lambda b: nodes[b].done, 0))
    role_bit = {r: 1 << i for i, r in enumerate(sorted(graph.roles))}
    own = [0] * len(nodes)
    for role, needed in graph.roles.items():
        for n in needed:
            own[n] |= role_bit[role]
    above = above_union([sorted(n.needs) for n in nodes], own)
    served: dict[int, list[int]] = {}
    for i, node in enumerate(nodes):
        for c in members(node.serving):
            served.setdefault(c, []).append(i)
    kept: list[list[int]] = [[] for _ in nodes]
    width = [a.bit_count() for a in above]
    for c, found in served.items():
        ordered = sorted(found, key=lambda n: -width[n])
        for n in _cover(ordered, above.__getitem__, 0):
            kept[n].append(c)
    for node, courses in zip(nodes, kept, strict=True):
        node.serving = bits_of(courses)
    _drop_idle(graph)


def _drop_idle(graph: AtomGraph) -> None:
    """Drop the atoms no role reaches any more, and those reaching no course, renumbered."""
    nodes = graph.nodes
    needs = [sorted(n.needs) for n in nodes]
    reaching = below_union(needs, [1 if n.serving else 0 for n in nodes])
    reached = [False] * len(nodes)
    todo = [n for found in graph.roles.values() for n in found if reaching[n]]
    while todo:
        n = todo.pop()
        if not reached[n]:
            reached[n] = True
            todo.extend(b for b in needs[n] if reaching[b] and not reached[b])
    new: dict[int, int] = {}
    for i, is_reached in enumerate(reached):
        if is_reached:
            new[i] = len(new)
    graph.nodes = [nodes[i] for i in new]
    for node in graph.nodes:
        node.needs = {new[b] for b in node.needs if b in new}
    graph.roles = {
        r: kept for r, found in graph.roles.items() if (kept := {new[n] for n in found if n in new})
    }


def _cover(ordered: Sequence[int], bits: Callable[[int], int], start: int) -> list[int]:
    """Those of `ordered` that add to the union of `start` and the ones kept before them."""
    union, out = start, []
    for item in ordered:
        found = bits(item)
        if found & ~union:
            out.append(item)
            union |= found
    return out


def components(count: int, successors: Callable[[int], Sequence[int]]) -> Iterator[list[int]]:
    """The strongly connected components of a graph of `count` nodes, each after every
    component it reaches (Tarjan's algorithm, iterative)."""
    number: dict[int, int] = {}
    low: dict[int, int] = {}
    stack: list[int] = []
    on_stack: set[int] = set()
    for root in range(count):
        if root in number:
            continue
        number[root] = low[root] = len(number)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(successors(root)))]
        while work:
            node, todo = work[-1]
            for nxt in todo:
                if nxt not in number:
                    number[nxt] = low[nxt] = len(number)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(successors(nxt))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], number[nxt])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == number[node]:
                    found = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        found.append(member)
                        if member == node:
                            break
                    yield found


def below_union(needs: Sequence[Sequence[int]], own: Sequence[int]) -> list[int]:
    """For each node, the union of `own` over the nodes it reaches through `needs` (itself
    included): from the serving courses, the courses useful for each node."""
    out = [0] * len(needs)
    component = [-1] * len(needs)
    for at, members_ in enumerate(components(len(needs), needs.__getitem__)):
        bits = 0
        for m in members_:
            component[m] = at
            bits |= own[m]
        for m in members_:
            for b in needs[m]:
                if component[b] != at:
                    bits |= out[b]
        for m in members_:
            out[m] = bits
    return out


def above_union(needs: Sequence[Sequence[int]], own: Sequence[int]) -> list[int]:
    """For each node, the union of `own` over the nodes that reach it through `needs` (itself
    included): from the roles (or stages) needing each node directly, those it serves."""
    parents: list[list[int]] = [[] for _ in needs]
    for n, below in enumerate(needs):
        for b in below:
            parents[b].append(n)
    return below_union(parents, own)
