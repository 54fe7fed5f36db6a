"""Why a route leads to the role: each clause of the role's requirement, which holding of the
person or which step meets it, the skills gap left, and the facts the route rests on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .model import CourseNode, Requirement, RoleNode, Start
from .views import Clause, Explanation, FactView, MissingSkill, Ref, RouteView, ShortCourse

if TYPE_CHECKING:
    from .answer import Describer


def _ways_in_holding(d: Describer, req: Requirement, start: Start) -> Ref | None:
    """The holding through which a person meets the ways into a requirement (None: open
    entry or prior learning, which need no holding)."""
    model = d.model
    accepted = sorted(req.accepts & start.held)
    if accepted:
        # a kind held through a named qualification (decision 0062) is named by that one
        named = min((q for q in start.held if accepted[0] in model.kinds.get(q, ())), default=None)
        return d.item(accepted[0] if named is None else named)
    if req.min_level is not None:
        quals = [q for q in start.held if model.qualification_level.get(q, 0.0) >= req.min_level]
        derived = {k for q in quals for k in model.kinds.get(q, ())}
        quals = [q for q in quals if q not in derived] or quals
        if quals:
            return d.item(max(quals, key=lambda q: (model.qualification_level[q], -q)))
    return None


def _skill_holding(d: Describer, skill: int, start: Start) -> Ref:
    """The qualification that certifies a held skill, or the skill itself."""
    for q in sorted(start.held):
        if skill in d.model.certified.get(q, frozenset()):
            return d.item(q)
    return d.item(skill)


def clauses(
    d: Describer, req: Requirement, start: Start, courses: list[CourseNode]
) -> list[Clause]:
    exp = start.experience
    out: list[Clause] = []
    if req.has_alternatives():
        text = d.ways_in(req)
        if req.alternatives_met(start.held, start.level, exp):
            out.append(Clause("qualification", text, "holding", _ways_in_holding(d, req, start)))
        else:
            held, level, step = set(start.held), start.level, None
            for n, course in enumerate(courses, 1):
                held |= course.awards
                level = max(level, course.award_level)
                if req.alternatives_met(held, level, exp):
                    step = n
                    break
            out.append(Clause("qualification", text, "step" if step else "no", step=step))
    # a qualification taken in place of the required skills: held, or the first step's award
    stand_ins = req.stand_ins
    held_instead = sorted(stand_ins & start.held, key=lambda q: (-_level(d, q), q))
    step_instead = next(
        (n for n, c in enumerate(courses, 1) if not stand_ins.isdisjoint(c.awards)), None
    )
    for skill in sorted(req.skills, key=lambda s: d.item(s).label.lower()):
        text = d.item(skill).label
        if skill in start.held:
            out.append(Clause("skill", text, "holding", _skill_holding(d, skill, start)))
            continue
        if held_instead:
            out.append(Clause("skill", text, "holding", d.item(held_instead[0]), stand_in=True))
            continue
        step = next((n for n, c in enumerate(courses, 1) if skill in c.awards), None)
        if step is None and step_instead is not None:
            out.append(Clause("skill", text, "step", step=step_instead, stand_in=True))
            continue
        out.append(Clause("skill", text, "step" if step else "no", step=step))
    return out


def _level(d: Describer, qualification: int) -> float:
    return d.model.qualification_level.get(qualification, 0.0)


def explain(
    d: Describer, view: RouteView, courses: list[CourseNode], start: Start, role: RoleNode
) -> Explanation:
    w = d.words
    found = clauses(d, role.requirement, start, courses) if role.requirement else []
    rests_on = [f for s in view.steps for f in s.facts if f.confidence != "confirmed"]
    if not view.steps and view.confidence != "confirmed":
        rests_on = [
            FactView("entryRequirement", w.text("the role's entry requirement"), view.confidence)
        ]
    lines: list[str] = []
    for clause in found:
        if clause.stand_in and clause.holding is not None:
            lines.append(
                w.text(
                    "{clause}: met through {holding}, which employers take in place of the skill.",
                    clause=clause.text,
                    holding=clause.holding.label,
                )
            )
        elif clause.stand_in and clause.step is not None:
            lines.append(
                w.text(
                    "{clause}: met by step {n}, {step}, whose qualification employers take in place of the skill.",
                    clause=clause.text,
                    n=clause.step,
                    step=view.steps[clause.step - 1].course.label,
                )
            )
        elif clause.met_by == "holding" and clause.holding is not None:
            lines.append(
                w.text(
                    "{clause}: already met through {holding}.",
                    clause=clause.text,
                    holding=clause.holding.label,
                )
            )
        elif clause.met_by == "holding":
            lines.append(w.text("{clause}: already met.", clause=clause.text))
        elif clause.met_by == "step" and clause.step is not None:
            step = view.steps[clause.step - 1].course.label
            lines.append(
                w.text(
                    "{clause}: met by step {n}, {step}.",
                    clause=clause.text,
                    n=clause.step,
                    step=step,
                )
            )
        else:
            lines.append(w.text("{clause}: not met.", clause=clause.text))
    weeks = w.weeks(view.total_weeks)
    if view.total_weeks_is_lower_bound:
        weeks = (
            w.text("at least {weeks}", weeks=weeks)
            if view.total_weeks
            else w.text("duration unknown")
        )
    if view.total_fee_eur is None:
        fee = w.text("fee unknown")
    elif view.total_fee_eur == 0:
        fee = w.text("no fees")
    else:
        fee = w.text("fees about {eur} EUR", eur=format(round(view.total_fee_eur), ","))
    if view.steps:
        lines.append(w.text("In total: {weeks}; {fee}.", weeks=weeks, fee=fee))
    for n, item in enumerate(view.steps, 1):
        if item.requires is not None and item.requires.needs_employer:
            lines.append(
                w.text(
                    "Step {n}, {step}: it needs an employer who takes the person on as an "
                    "apprentice; a place is not guaranteed, and the provider or a training office "
                    "can help to find one.",
                    n=n,
                    step=item.course.label,
                )
            )
        if item.cross_border is not None:
            lines.append(
                w.text(
                    "Step {n}, {step}: {meaning}.",
                    n=n,
                    step=item.course.label,
                    meaning=item.cross_border.text,
                )
            )
    if not view.missing_essential_skills:
        lines.append(w.text("The route covers every essential skill of the role."))
    else:
        label = (
            w.text("Recommended upskilling:")
            if not view.steps
            else w.text("Skills gap after the route:")
        )
        for gap in view.missing_essential_skills:
            fills = _gap_fills(d, gap)
            lines.append(f"{label} {gap.skill.label}: {fills}.")
    if view.steps and rests_on:
        lines.append(
            w.text(
                "The route rests on estimated or unknown facts: {facts}.",
                facts="; ".join(_fact(d, f) for f in rests_on),
            )
        )
    elif view.steps:
        lines.append(w.text("Every fact the route rests on is confirmed."))
    elif rests_on:
        lines.append(
            w.text(
                "The answer rests on the role's entry requirement ({confidence}).",
                confidence=w.confidence(view.confidence),
            )
        )
    return Explanation(found, view.missing_essential_skills, rests_on, lines)


def _gap_fills(d: Describer, gap: MissingSkill) -> str:
    """What fills a skill gap: that employers train it at work; the short courses; else the
    longer courses, named as such; else the leads of another offer status."""
    w = d.words
    short = ", ".join(_short_course(d, c) for c in gap.short_courses)
    if gap.trained_by_employer:
        if short:
            return w.text("employers train it at work; short courses: {courses}", courses=short)
        return w.text("employers train it at work")
    if short:
        return short
    if gap.longer_courses:
        return w.text(
            "no short course teaches it; longer courses do: {courses}",
            courses=", ".join(_short_course(d, c) for c in gap.longer_courses),
        )
    if gap.other_status_courses:
        return w.text(
            "no running or planned course teaches it; of unknown or ended status "
            "(ask the provider): {courses}",
            courses=", ".join(c.course.label for c in gap.other_status_courses),
        )
    return w.text("no course teaches it")


def _fact(d: Describer, fact: FactView) -> str:
    return d.words.text(
        "{fact} of step {n} ({confidence})",
        fact=fact.label,
        n=fact.step,
        confidence=d.words.confidence(fact.confidence),
    )


def _short_course(d: Describer, course: ShortCourse) -> str:
    """A short course with its length, and the country when taking it means going abroad."""
    length = _length(d, course.weeks)
    if course.abroad is None:
        return f"{course.course.label} ({length})"
    where = d.words.text("abroad: {country}", country=course.abroad.label)
    return f"{course.course.label} ({length}, {where})"


def _length(d: Describer, weeks: float | None) -> str:
    return d.words.weeks(weeks) if weeks is not None else d.words.text("duration unknown")
