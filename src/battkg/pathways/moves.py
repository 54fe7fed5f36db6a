"""Lateral moves: from a job a person holds or held to the neighbouring roles.

Roles and their essential skills form a bipartite graph (networkx); the neighbours of a
job are the roles two edges away, those sharing an essential skill with it. They are
ranked by the share of their essential skills the job already covers, then by how many
it shares, then by how close their entry level is to the job's; each comes with the
shortest bridging route for a person who holds the job's skills (O*NET's "career
changers" matrix at cell-plant grain).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import networkx as nx

from .answer import Describer
from .budget import part_budget, shared_budget
from .engine import PathwayAnswer, find_pathways, in_full, model_of
from .model import PathwayModel
from .person_input import job_skills
from .views import Ref, RouteView

if TYPE_CHECKING:
    from ..kg import KnowledgeGraph
    from .filters import Filters

MAX_MOVES = 20


@dataclass
class Move:
    role: Ref
    shared_skills: list[Ref]
    essential_covered: int
    essential_total: int
    share: float
    entry_level: float | None
    route: RouteView | None
    reasons: list[str] = field(default_factory=list)
    #: False: the search stopped at this move's share of the time budget (decision 0064)
    complete: bool = True


@dataclass
class MovesAnswer:
    job: Ref
    job_skills: list[Ref]
    moves: list[Move]
    build: str = ""
    complete: bool = True  # every move's search is complete


def role_skill_graph(model: PathwayModel) -> nx.Graph:
    """Roles ("role", iri) and skills ("skill", item) linked by essential-skill edges."""
    found: nx.Graph | None = model.caches.get("role-skill-graph")
    if found is None:
        found = nx.Graph()
        for role in model.roles.values():
            found.add_node(("role", role.iri))
            for skill in role.essential:
                found.add_edge(("role", role.iri), ("skill", skill))
        model.caches["role-skill-graph"] = found
    return found


def neighbours(
    model: PathwayModel, skills: set[int], exclude: str | None
) -> list[tuple[str, set[int]]]:
    """Roles sharing at least one essential skill with `skills`, with the skills shared."""
    graph = role_skill_graph(model)
    shared: dict[str, set[int]] = {}
    for skill in skills:
        node = ("skill", skill)
        if node in graph:
            for _, role in graph.neighbors(node):
                if role != exclude:
                    shared.setdefault(role, set()).add(skill)
    return list(shared.items())


def _level(model: PathwayModel, iri: str) -> float | None:
    req = model.roles[iri].requirement
    return req.min_level if req is not None else None


def lateral_moves(
    kg: KnowledgeGraph,
    job: str,
    *,
    lang: str = "en",
    limit: int = 5,
    filters: Filters | None = None,
    home: str | None = None,
    situation: str | None = None,
    entry: str | None = None,
) -> MovesAnswer:
    model = model_of(kg)
    job_iri, skills = job_skills(kg, model, job, lang)
    held = set(skills)
    own_level = _level(model, job_iri) if job_iri in model.roles else None
    ranked = []
    for role, shared in neighbours(model, held, job_iri):
        essential = set(model.roles[role].essential)
        level = _level(model, role)
        distance = abs((level or 0.0) - (own_level or level or 0.0))
        ranked.append((-len(shared) / len(essential), -len(shared), distance, role, shared))
    ranked.sort()
    d = Describer(model, lang)
    moves = []
    chosen = ranked[: max(1, min(limit, MAX_MOVES))]
    # one budget for all moves, as much as one answer and its diagnosis may take (0064)
    with shared_budget(2 * kg.settings.pathway_timeout, len(chosen)):
        for n, (neg_share, _, _, role, shared) in enumerate(chosen):
            with part_budget(len(chosen) - n):
                answer: PathwayAnswer = find_pathways(
                    kg,
                    role,
                    entry,
                    k=1,
                    filters=filters,
                    lang=lang,
                    home=home,
                    situation=situation,
                    job=job_iri,
                )
            moves.append(_move(d, model, answer, role, shared, neg_share))
    return MovesAnswer(
        d.ref(job_iri), d.items(held), moves, kg.version(), all(m.complete for m in moves)
    )


def _move(
    d: Describer,
    model: PathwayModel,
    answer: PathwayAnswer,
    role: str,
    shared: set[int],
    neg_share: float,
) -> Move:
    route = answer.routes[0] if answer.routes else None
    return Move(
        role=answer.role,
        shared_skills=d.items(shared),
        essential_covered=len(shared),
        essential_total=len(model.roles[role].essential),
        share=round(-neg_share, 3),
        entry_level=_level(model, role),
        route=route,
        reasons=[r.message for r in answer.reasons],
        complete=in_full(answer),
    )
