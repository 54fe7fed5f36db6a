"""Which courses can be a step of a minimal route to a role: one reverse search per role.

The pathway engine's routes are minimal sets of courses (no course can be left out) whose
holdings meet the role's requirement (pathways/search.py). Enumerating them all costs one
search per role, start and country, and their number grows with the product of the
alternatives. This module finds the courses on them by searching backwards from the role's
requirement instead, once per role, over the courses the start can ever take under the
filters (the engine's closure):

- a *goal* is a part of a requirement the start does not meet (the engine's own
  `goals_of`: the alternatives part, or one required skill);
- a course *serves* a goal when it meets it (`meets`) and can be taken while the goal, and
  every goal it is served for further up, is still unmet (`needs`: its requirement is met by
  the closure over the courses that meet none of them). A course that can only be entered
  with the goal already met (a master's for a bachelor's level) is never needed for it;
- a goal is *implied* when every course serving a sibling goal (a goal of the same
  requirement, or of a requirement above: any route through this one meets those too) also
  meets it: whatever meets the sibling meets it too, so no course is ever needed for it
  alone (a short course teaching one skill of a degree the role requires);
- a course serving a goal that is not implied leads to the role, and the goals of its own
  requirement are searched in turn, with the goals above them as context.

Every course on a minimal route serves some goal in this sense (else leaving it out keeps
the route), so nothing the engine finds is missed; the two rules above remove the courses
that meet a goal but are always made redundant by another step. Deciding exactly whether a
course lies on some minimal route is NP-hard in general (relevance in Horn abduction), so
a course made redundant only by a combination of other steps can remain; the result is
checked against the engine's complete route lists on the curated graph
(tests/test_gap_links.py); docs/decisions/0052-gap-analysis.md records the rule.
"""

from __future__ import annotations

from ..pathways.closure import Closure, filter_index_of, index_of
from ..pathways.filters import Filters
from ..pathways.model import CourseNode, PathwayModel, Requirement, Start
from ..pathways.search import Goal, goals_of, meets

#: closures kept per start and filters (one per set of goals); bounded
MAX_CLOSURES = 1_024

#: (requirement, the goals above it, the course sets of which any route through it holds one:
#: the options of the goals beside those above)
Item = tuple[Requirement, frozenset[Goal], frozenset[frozenset[int]]]


class ReverseSearch:
    """The courses that lead to roles from one start under one set of filters."""

    def __init__(self, model: PathwayModel, start: Start, filters: Filters) -> None:
        self.model, self.start = model, start
        self.allowed = filter_index_of(model).allowed(filters)
        self.index = index_of(model)
        self.full = self.index.closure(start, self.allowed, filters)
        self._served: dict[Goal, frozenset[int]] = {}
        self._closures: dict[frozenset[Goal], Closure] = {}

    def meeting(self, goal: Goal) -> frozenset[int]:
        """Courses that meet `goal` and can be taken at all (in the start's closure)."""
        found = self._served.get(goal)
        if found is None:
            m = self.model
            if goal[0] == "skill":
                candidates = m.teachers(goal[1], "duration")  # type: ignore[arg-type]
            else:
                candidates = m.supporters(goal[1], goal[2], "duration")  # type: ignore[arg-type]
            taken = self.full.taken
            found = self._served[goal] = frozenset(c for c in candidates if c in taken)
        return found

    def needs(self, requirement: Requirement | None, unmet: frozenset[Goal]) -> bool:
        """Meeting `requirement` needs one of the goals `unmet` first: it requires one of
        their skills, or the closure over the courses that meet none of them does not meet
        it (a master's entered with a bachelor's is never taken while a bachelor's level is
        still unmet)."""
        if requirement is None:
            return True
        s = self.start
        if any(g[0] == "skill" and g[1] in requirement.skills for g in unmet):
            return True
        if requirement.met(s.held, s.level, s.experience):
            return False
        reach = self.closure_without(unmet)
        return not requirement.met(reach.held, reach.level, s.experience)

    def closure_without(self, unmet: frozenset[Goal]) -> Closure:
        """What the start can reach using no course that meets one of `unmet`."""
        found = self._closures.get(unmet)
        if found is None:
            banned: set[int] = set()
            for goal in unmet:
                banned |= self.meeting(goal)
            found = self.index.closure(self.start, self.allowed - banned, None)
            if len(self._closures) >= MAX_CLOSURES:
                self._closures.pop(next(iter(self._closures)))
            self._closures[unmet] = found
        return found

    def serving(self, goal: Goal, above: frozenset[Goal]) -> frozenset[int]:
        """Courses that meet `goal` and can be taken while it and the goals `above` are unmet."""
        unmet = above | {goal}
        courses = self.model.courses
        out = set()
        for c in self.meeting(goal):
            if self.needs(courses[c].requirement, unmet):
                continue
            if any(meets(courses[c], g) for g in above):
                continue  # it would meet a goal above directly: the step it serves is redundant
            out.add(c)
        return frozenset(out)

    def leading_to(self, requirement: Requirement) -> set[int]:
        """The courses that can be a step of a minimal route meeting `requirement`."""
        s = self.start
        held = set(s.held)
        if requirement.met(s.held, s.level, s.experience):
            return set()  # met already: the engine's only route is the empty one
        if not requirement.met(self.full.held, self.full.level, s.experience):
            return set()  # unreachable under the filters: no route
        found: set[int] = set()
        todo: list[Item] = [(requirement, frozenset(), frozenset())]
        seen: set[tuple[str, frozenset[Goal], frozenset[frozenset[int]]]] = set()
        courses = self.model.courses
        while todo:
            req, above, beside = todo.pop()
            goals = goals_of(req, held, s.level, s.experience)
            served = {g: self.serving(g, above) for g in goals}
            needed = [
                g
                for g in goals
                if not _implied(g, served, courses) and not self._met_beside(g, above, beside)
            ]
            for goal in needed:
                others = frozenset(served[g] for g in needed if g != goal and served[g])
                for c in served[goal]:
                    found.add(c)
                    own = courses[c].requirement
                    if own is None:
                        continue
                    item = (own, above | {goal}, beside | others)
                    key = (own.iri, item[1], item[2])
                    if key not in seen:
                        seen.add(key)
                        todo.append(item)
        return found

    def _met_beside(
        self, goal: Goal, above: frozenset[Goal], beside: frozenset[frozenset[int]]
    ) -> bool:
        """Some set of options that a route must take one of meets `goal` with each option, and
        each can be taken before the goal is needed (with it and the goals above unmet)."""
        courses, unmet = self.model.courses, above | {goal}
        return any(
            all(
                meets(courses[c], goal) and not self.needs(courses[c].requirement, unmet)
                for c in options
            )
            for options in beside
        )


def _implied(goal: Goal, served: dict[Goal, frozenset[int]], courses: list[CourseNode]) -> bool:
    """Every course serving another goal of the requirement meets `goal` too. Of goals that
    imply each other, the first (in the engine's goal order) is kept."""
    order = list(served)
    for other in order:
        if other == goal or not served[other]:
            continue
        if all(meets(courses[c], goal) for c in served[other]):
            mutual = all(meets(courses[c], other) for c in served[goal])
            if not mutual or order.index(other) < order.index(goal):
                return True
    return False
