"""Which courses lead to a role: per requirement atom, the courses useful for it.

An *atom* is one part of an entry requirement that a person can lack: its alternatives part
(an accepted qualification or EQF level, open to no one by default) or one required skill
(the pathway engine's goals, `pathways/search.goals_of`). Within one country:

- a course *serves* an atom when it meets it (`pathways/search.meets`), someone can enter it
  there (it is in the closure of no holdings or of some entry profile under the country's
  filter) and its own entry does not already demand the atom (a master's entered with a
  bachelor's degree is never taken to reach a bachelor's level);
- the atoms a requirement *needs* are its atoms less those made redundant by a sibling: when
  every course serving another atom of the same requirement meets this one too, and no start
  holds that other atom without this one, no route ever takes a course for this atom alone
  (a short course teaching one skill of the degree the role requires);
- the courses *useful* for an atom are those serving it and, recursively, those useful for
  the atoms their own requirements need.

A role's courses are the union of the courses useful for the atoms its requirement needs,
in each country where someone can reach the role. Results are shared by every requirement
with the same atom, so the work is one pass over a graph of atoms, its cycles (a skill
taught by courses requiring a skill taught by courses requiring the first) collapsed into
strongly connected components, with course sets as bit sets. Every course of a pathway
engine route lies on such a chain of atoms (else the route keeps its other courses without
it); decision 0052 records how this differs from the earlier per-route reverse search.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import networkx as nx

from ..pathways.bitsets import bits_of
from ..pathways.bitsets import indexes_of as members
from ..pathways.closure import index_of
from ..pathways.filters import Filters
from ..pathways.model import PathwayModel, Requirement, Start
from ..pathways.search import Goal


def atoms_of(req: Requirement, name: Callable[[int], str] | None = None) -> list[Goal]:
    """The parts of `req` a person can lack: its alternatives (unless open entry), keyed with
    the experience that validation of prior learning asks (None: not accepted), and skills,
    ordered by their IRIs (`name`) when given: the model's item numbers follow the order the
    store gave the rows in, and which of two atoms implying each other is kept follows this
    order, so the stored atoms are the same from any store."""
    atoms: list[Goal] = []
    if not req.alternatives_open(0.0):
        experience = req.min_experience if req.prior_learning else None
        atoms.append(("alt", req.accepts, req.min_level, experience))
    atoms.extend(("skill", s) for s in sorted(req.skills, key=name))
    return atoms


def holds(start: Start, atom: Goal) -> bool:
    """`start` meets `atom` by what it holds or its experience."""
    if atom[0] == "skill":
        return atom[1] in start.held
    _, accepts, floor, experience = atom
    if floor is not None and start.level >= floor:  # type: ignore[operator]
        return True
    if experience is not None and start.experience >= experience:  # type: ignore[operator]
        return True
    return not accepts.isdisjoint(start.held)  # type: ignore[attr-defined]


@dataclass
class Entries:
    """Courses by what their entry asks, as bit sets (made once per model)."""

    #: skill -> usable courses whose entry requires it
    requiring: dict[int, int] = field(default_factory=dict)
    #: (accepted qualifications, lowest accepted level) -> usable courses without open entry
    by_entry: dict[tuple[frozenset[int], float | None], int] = field(default_factory=dict)
    #: usable courses that validation of prior learning can open
    prior_learning: int = 0


def entries_of(model: PathwayModel) -> Entries:
    found: Entries | None = model.caches.get("gap-entries")
    if found is None:
        requiring: dict[int, list[int]] = {}
        by_entry: dict[tuple[frozenset[int], float | None], list[int]] = {}
        prior = []
        for c in model.courses:
            req = c.requirement
            if req is None or not c.usable:
                continue
            for skill in req.skills:
                requiring.setdefault(skill, []).append(c.idx)
            if not req.open_entry:
                by_entry.setdefault((req.accepts, req.min_level), []).append(c.idx)
            if req.prior_learning:
                prior.append(c.idx)
        found = model.caches["gap-entries"] = Entries(
            {s: bits_of(cs) for s, cs in requiring.items()},
            {k: bits_of(cs) for k, cs in by_entry.items()},
            bits_of(prior),
        )
    return found


def meeting_bits(model: PathwayModel, atom: Goal, levels: dict[float, int]) -> int:
    """The usable courses that meet `atom` anywhere, as bits: those teaching its skill, or
    awarding one of its qualifications or (`levels` caches them per floor) one at its level."""
    if atom[0] == "skill":
        return bits_of(model.awarders.get(int(atom[1]), ()))  # type: ignore[call-overload]
    found = bits_of(c for q in atom[1] for c in model.awarders.get(q, ()))  # type: ignore[attr-defined]
    floor = atom[2]
    if floor is not None:
        at_level = levels.get(floor)  # type: ignore[call-overload]
        if at_level is None:
            at_level = levels[floor] = bits_of(  # type: ignore[index]
                c.idx
                for c in model.courses
                if c.usable and c.award_level > 0 and c.award_level >= floor  # type: ignore[operator]
            )
        found |= at_level
    return found


class Usefulness:
    """The courses useful for each atom and role within one country (one place filter)."""

    def __init__(self, model: PathwayModel, starts: Sequence[Start], filters: Filters) -> None:
        self.model, self.starts = model, starts
        index = index_of(model)
        self.closures = [index.closure(s, filters) for s in starts]
        self._taken: dict[tuple[int, ...], int] = {}
        self._start_taken = [c.bits for c in self.closures]
        self._level_bits: dict[float, int] = {}
        self._meeting: dict[Goal, int] = {}
        self._serving: dict[Goal, int] = {}
        self._needed: dict[str, list[Goal]] = {}

    def meeting(self, atom: Goal) -> int:
        """Usable courses that meet `atom`, anywhere."""
        found = self._meeting.get(atom)
        if found is None:
            found = self._meeting[atom] = meeting_bits(self.model, atom, self._level_bits)
        return found

    def serving(self, atom: Goal) -> int:
        """Courses that meet `atom` and that some start lacking it can enter here without it."""
        found = self._serving.get(atom)
        if found is None:
            lacking = [i for i, s in enumerate(self.starts) if not holds(s, atom)]
            key = tuple(lacking)
            taken = self._taken.get(key)
            if taken is None:
                taken = 0
                for i in lacking:
                    taken |= self._start_taken[i]
                self._taken[key] = taken
            found = self._entered_without(atom, self.meeting(atom) & taken, lacking)
            self._serving[atom] = found
        return found

    def _entered_without(self, atom: Goal, candidates: int, lacking: list[int]) -> int:
        """Those of `candidates` that some start of `lacking` (whose closures hold them) can
        enter without `atom`: by another accepted qualification or a lower level, or by its
        experience. Courses with the same entry are decided together (bit sets)."""
        entries = entries_of(self.model)
        if atom[0] == "skill":
            return candidates & ~entries.requiring.get(int(atom[1]), 0)  # type: ignore[call-overload]
        demanding = 0
        for (accepts, floor), bits in entries.by_entry.items():
            if bits & candidates and self._demands(accepts, floor, atom):
                demanding |= bits
        demanding &= candidates
        courses = self.model.courses
        for c in members(demanding & entries.prior_learning):
            need = courses[c].requirement.min_experience  # type: ignore[union-attr]
            if any(
                self.starts[i].experience >= need and c in self.closures[i].taken for i in lacking
            ):
                demanding &= ~(1 << c)
        return candidates & ~demanding

    def _demands(self, accepts: frozenset[int], min_level: float | None, atom: Goal) -> bool:
        """Every qualification or level an entry accepts meets `atom`'s alternatives."""
        wanted, floor = atom[1], atom[2]
        levels = self.model.qualification_level
        if min_level is not None and (floor is None or min_level < floor):  # type: ignore[operator]
            return False
        return all(
            q in wanted or (floor is not None and levels.get(q, 0.0) >= floor)  # type: ignore[operator,operator]
            for q in accepts
        )

    def needed(self, req: Requirement) -> list[Goal]:
        """The atoms of `req` some route must take a course for (none made redundant)."""
        found = self._needed.get(req.iri)
        if found is None:
            atoms = atoms_of(req, self.model.items.__getitem__)
            held = [[holds(s, a) for a in atoms] for s in self.starts]
            found = [a for i, a in enumerate(atoms) if not self._implied(i, atoms, held)]
            self._needed[req.iri] = found
        return found

    def _implied(self, i: int, atoms: list[Goal], held: list[list[bool]]) -> bool:
        """Every course serving another atom meets atom `i` too, and no start holds that other
        atom without atom `i`. Of atoms that imply each other, the first is kept."""
        atom = atoms[i]
        for j, other in enumerate(atoms):
            serve = self.serving(other)
            if j == i or not serve or serve & ~self.meeting(atom):
                continue
            if any(h[j] and not h[i] for h in held):
                continue
            mutual = not self.serving(atom) & ~self.meeting(other)
            if not mutual or j < i:
                return True
        return False

    def reachable(self, req: Requirement) -> bool:
        """Someone can meet `req` here, from no holdings or some entry profile."""
        return any(
            req.met(c.held, c.level, s.experience)
            for s, c in zip(self.starts, self.closures, strict=True)
        )

    def useful(self, roots: Sequence[Goal]) -> dict[Goal, int]:
        """The courses useful for each atom reachable from `roots`, as bit sets."""
        courses = self.model.courses
        graph: nx.DiGraph = nx.DiGraph()
        todo = list(dict.fromkeys(roots))
        graph.add_nodes_from(todo)
        while todo:
            atom = todo.pop()
            below: set[Goal] = set()
            for c in members(self.serving(atom)):
                req = courses[c].requirement
                if req is not None:
                    below.update(self.needed(req))
            for b in below:
                if b not in graph:
                    todo.append(b)
                graph.add_edge(atom, b)
        dag = nx.condensation(graph)
        done: dict[int, int] = {}
        for node in reversed(list(nx.topological_sort(dag))):
            bits = 0
            for atom in dag.nodes[node]["members"]:
                bits |= self.serving(atom)
            for nxt in dag.successors(node):
                bits |= done[nxt]
            done[node] = bits
        mapping = dag.graph["mapping"]
        return {atom: done[mapping[atom]] for atom in graph}

    def leading_to(self, roles: Sequence[Requirement]) -> list[int]:
        """For each role requirement, the courses leading to it here (bits; 0 if unreachable)."""
        reach = [self.reachable(r) for r in roles]
        needs = [self.needed(r) if ok else [] for r, ok in zip(roles, reach, strict=True)]
        table = self.useful([a for n in needs for a in n])
        out = []
        for n in needs:
            bits = 0
            for a in n:
                bits |= table[a]
            out.append(bits)
        return out


# -- every start of one country at once ---------------------------------------------------
#
# `Usefulness` above states the rule for one start; `leading_to_from_each` gives the same
# answer for many starts (the union of each start's own answer) without redoing per start what
# does not depend on it. Within one country, a start enters only the courses of its closure,
# and the serving courses of an atom it lacks are those of its closure that meet the atom and
# do not demand it on entry (less the ones its experience opens): starts with the same closure
# and experience share them (a *group*). A start's holdings matter only through the atoms it
# holds: those serve nothing, and they can make a sibling needed that another atom implied.


def _demands(model: PathwayModel, accepts: frozenset[int], floor: float | None, atom: Goal) -> bool:
    """Every qualification or level an entry accepts meets `atom`'s alternatives."""
    wanted, at_least = atom[1], atom[2]
    levels = model.qualification_level
    if floor is not None and (at_least is None or floor < at_least):  # type: ignore[operator]
        return False
    return all(
        q in wanted or (at_least is not None and levels.get(q, 0.0) >= at_least)  # type: ignore[operator,operator]
        for q in accepts
    )


class AtomTables:
    """What does not depend on the start or the country: the courses meeting each atom, those
    whose entry demands it, and the atoms of each course's requirement (made once per model)."""

    def __init__(self, model: PathwayModel) -> None:
        self.model = model
        self.entries = entries_of(model)
        self._meeting: dict[Goal, int] = {}
        self._demanding: dict[Goal, int] = {}
        self._levels: dict[float, int] = {}
        self._opened: dict[float, int] = {}
        self._atoms: dict[str, tuple[Goal, ...]] = {}
        #: the distinct atom lists of the usable courses' requirements, and each course's
        self.lists: list[tuple[Goal, ...]] = []
        self.list_of: list[int] = [-1] * len(model.courses)
        ids: dict[tuple[Goal, ...], int] = {}
        for c in model.courses:
            if c.usable:
                atoms = self.atoms(c.requirement)  # type: ignore[arg-type]
                found = ids.get(atoms)
                if found is None:
                    found = ids[atoms] = len(self.lists)
                    self.lists.append(atoms)
                self.list_of[c.idx] = found
        self._prior = sorted(
            (model.courses[c].requirement.min_experience, c)  # type: ignore[union-attr]
            for c in members(self.entries.prior_learning)
        )
        self.universe = frozenset(a for atoms in self.lists for a in atoms)
        self._held: dict[Start, frozenset[Goal]] = {}

    def atoms(self, req: Requirement) -> tuple[Goal, ...]:
        found = self._atoms.get(req.iri)
        if found is None:
            found = self._atoms[req.iri] = tuple(atoms_of(req, self.model.items.__getitem__))
        return found

    def held(self, start: Start, roles: Sequence[tuple[Goal, ...]]) -> frozenset[Goal]:
        """The atoms of the courses' and `roles`' requirements that `start` holds."""
        found = self._held.get(start)
        if found is None:
            atoms = self.universe.union(*roles)
            found = self._held[start] = frozenset(a for a in atoms if holds(start, a))
        return found

    def meeting(self, atom: Goal) -> int:
        """Usable courses that meet `atom`, anywhere (as `Usefulness.meeting`)."""
        found = self._meeting.get(atom)
        if found is None:
            found = self._meeting[atom] = meeting_bits(self.model, atom, self._levels)
        return found

    def demanding(self, atom: Goal) -> int:
        """Usable courses whose entry demands `atom`: a skill they require, or alternatives
        all of which meet the atom's."""
        found = self._demanding.get(atom)
        if found is None:
            if atom[0] == "skill":
                found = self.entries.requiring.get(int(atom[1]), 0)  # type: ignore[call-overload]
            else:
                found = 0
                for (accepts, floor), bits in self.entries.by_entry.items():
                    if _demands(self.model, accepts, floor, atom):
                        found |= bits
            self._demanding[atom] = found
        return found

    def opened(self, experience: float) -> int:
        """Courses that validation of prior learning opens to someone of `experience` years."""
        found = self._opened.get(experience)
        if found is None:
            found = self._opened[experience] = bits_of(
                c for need, c in self._prior if experience >= need
            )
        return found


def atom_tables_of(model: PathwayModel) -> AtomTables:
    found: AtomTables | None = model.caches.get("gap-atom-tables")
    if found is None:
        found = model.caches["gap-atom-tables"] = AtomTables(model)
    return found


def _needed_of(
    atoms: tuple[Goal, ...], serving: Callable[[Goal], int], meeting: Callable[[Goal], int]
) -> tuple[Goal, ...]:
    """The atoms some route must take a course for (`Usefulness.needed` for one start, whose
    held atoms serve nothing: so the check that no start holds the sibling alone is implied)."""
    if len(atoms) < 2:
        return atoms
    kept = []
    for i, atom in enumerate(atoms):
        for j, other in enumerate(atoms):
            serve = serving(other)
            if j == i or not serve or serve & ~meeting(atom):
                continue
            if serving(atom) & ~meeting(other) or j < i:
                break  # implied by `other`
        else:
            kept.append(atom)
    return tuple(kept)


class _Group:
    """Starts of one country with the same closure and experience: the courses serving each
    atom (for a start that lacks it), and the atoms below it when the start holds none."""

    def __init__(self, tables: AtomTables, taken: int, experience: float) -> None:
        self.tables, self.taken = tables, taken
        self.opened = tables.opened(experience)
        self._serving: dict[Goal, int] = {}
        #: atom -> (the atoms below it, the atom lists below it that a held atom can change)
        self._below: dict[Goal, tuple[tuple[Goal, ...], tuple[int, ...]]] = {}
        self._needed: dict[int, tuple[Goal, ...]] = {}

    def serving(self, atom: Goal) -> int:
        found = self._serving.get(atom)
        if found is None:
            t = self.tables
            candidates = t.meeting(atom) & self.taken
            if atom[0] == "skill":
                found = candidates & ~t.demanding(atom)
            else:
                found = candidates & ~(t.demanding(atom) & ~self.opened)
            self._serving[atom] = found
        return found

    def needed(self, at: int) -> tuple[Goal, ...]:
        """The needed atoms of atom list `at` for a start that holds none of them."""
        found = self._needed.get(at)
        if found is None:
            found = _needed_of(self.tables.lists[at], self.serving, self.tables.meeting)
            self._needed[at] = found
        return found

    def below(self, atom: Goal) -> tuple[tuple[Goal, ...], tuple[int, ...]]:
        """The atoms needed by the courses serving `atom` (for a start holding none of them),
        and the atom lists of those courses where an atom was dropped as implied (a start that
        holds the implying atom needs it after all)."""
        found = self._below.get(atom)
        if found is None:
            list_of = self.tables.list_of
            lists = {list_of[c] for c in members(self.serving(atom))}
            below: dict[Goal, None] = {}
            changeable = []
            for at in sorted(lists):
                needed = self.needed(at)
                below.update(dict.fromkeys(needed))
                if len(needed) < len(self.tables.lists[at]):
                    changeable.append(at)
            found = self._below[atom] = (tuple(below), tuple(changeable))
        return found


def each_start(
    model: PathwayModel, starts: Sequence[Start], filters: Filters, roles: Sequence[Requirement]
) -> Iterator[tuple[_Useful, list[tuple[Goal, ...]]]]:
    """For each start of `starts` within one country: the table of the courses useful for each
    atom for it (shared with the starts of its group that hold the same atoms), extended to the
    atoms its roles need, and the atoms each role of `roles` needs for it (none where it cannot
    reach the role). What does not depend on the start is made once."""
    tables = atom_tables_of(model)
    index = index_of(model)
    groups: dict[tuple[int, float], _Group] = {}
    tables_by_held: dict[tuple[tuple[int, float], frozenset[Goal]], _Useful] = {}
    role_atoms = [tables.atoms(r) for r in roles]
    for start in starts:
        closure = index.closure(start, filters)
        taken = closure.bits
        key = (taken, start.experience)
        group = groups.get(key)
        if group is None:
            group = groups[key] = _Group(tables, taken, start.experience)
        # an atom nothing here serves serves nothing either way: holding it changes nothing
        held = frozenset(a for a in tables.held(start, role_atoms) if group.serving(a))
        reach = [r.met(closure.held, closure.level, start.experience) for r in roles]

        def serving(atom: Goal, group: _Group = group, held: frozenset[Goal] = held) -> int:
            return 0 if atom in held else group.serving(atom)

        needs = [
            _needed_of(atoms, serving, tables.meeting) if ok else ()
            for atoms, ok in zip(role_atoms, reach, strict=True)
        ]
        table = tables_by_held.get((key, held))
        if table is None:
            table = tables_by_held[(key, held)] = _Useful(group, held, serving)
        table.extend(a for n in needs for a in n)
        yield table, needs


def leading_to_from_each(
    model: PathwayModel, starts: Sequence[Start], filters: Filters, roles: Sequence[Requirement]
) -> list[int]:
    """For each role requirement, the courses leading to it here from some start, each start
    taken alone: the union over `starts` of `Usefulness(model, [start], filters).leading_to`."""
    out = [0] * len(roles)
    for table, needs in each_start(model, starts, filters, roles):
        for i, n in enumerate(needs):
            bits = 0
            for a in n:
                bits |= table.done.get(a, 0)
            out[i] |= bits
    return out


class _Useful:
    """The courses useful for each atom for the starts of a group that hold `held`: the union
    of the courses serving the atoms below it (`Usefulness.useful`), made for the atoms
    reachable from the roots given so far (Tarjan's strongly connected components, iterative,
    each component's union made as it closes)."""

    def __init__(
        self, group: _Group, held: frozenset[Goal], serving: Callable[[Goal], int]
    ) -> None:
        self.group, self.held, self.serving = group, held, serving
        self.done: dict[Goal, int] = {}
        #: the atoms of `done` in the order their components closed (each after those below it)
        self.closed: list[Goal] = []
        self._number: dict[Goal, int] = {}
        self._needed: dict[int, tuple[Goal, ...]] = {}

    def successors(self, atom: Goal) -> list[Goal]:
        """The atoms below `atom` for these starts (`_Group.below`, less the held atoms, with
        the atom lists a held atom changes made again)."""
        held, tables = self.held, self.group.tables
        below, changeable = self.group.below(atom)
        found = [b for b in below if b not in held]
        for at in changeable:
            atoms = tables.lists[at]
            if held.isdisjoint(atoms):
                continue
            needed = self._needed.get(at)
            if needed is None:
                needed = self._needed[at] = _needed_of(atoms, self.serving, tables.meeting)
            found.extend(b for b in needed if b not in held)
        return found

    def extend(self, roots: Iterable[Goal]) -> None:
        done, number, held, serving = self.done, self._number, self.held, self.serving
        low: dict[Goal, int] = {}
        stack: list[Goal] = []
        on_stack: set[Goal] = set()
        for root in dict.fromkeys(roots):
            if root in number or root in held:
                continue
            number[root] = low[root] = len(number)
            stack.append(root)
            on_stack.add(root)
            work: list[tuple[Goal, Iterator[Goal], int]] = [
                (root, iter(self.successors(root)), serving(root))
            ]
            while work:
                atom, todo, bits = work[-1]
                pushed = False
                for nxt in todo:
                    if nxt not in number:
                        number[nxt] = low[nxt] = len(number)
                        stack.append(nxt)
                        on_stack.add(nxt)
                        work[-1] = (atom, todo, bits)
                        work.append((nxt, iter(self.successors(nxt)), serving(nxt)))
                        pushed = True
                        break
                    if nxt in on_stack:
                        low[atom] = min(low[atom], number[nxt])
                    else:  # its component is closed (in this pass or an earlier one)
                        bits |= done[nxt]
                if pushed:
                    continue
                work.pop()
                if low[atom] == number[atom]:  # a component closes: every member gets its union
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        done[member] = bits
                        self.closed.append(member)
                        if member == atom:
                            break
                if work:
                    parent, rest, above = work[-1]
                    low[parent] = min(low[parent], low[atom])
                    work[-1] = (parent, rest, above | bits)
