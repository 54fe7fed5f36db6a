"""Search that finds what counsellors type: labels in en, sv, fi and nb, inflected and
compound forms, and one-letter typos.

A query and every label are folded (case, punctuation) into words. A query word matches a
label word exactly, as its start (`cell` -> `cellmontering`), inside it (a compound:
`torrum` -> `torrumsarbete`), by a shared stem (`akkukennojen` ~ `akkukennot`), or with one
letter wrong, missing or extra (`celmontering`). A label scores the mean quality of the
query's words, scaled by the share of the label's words they cover, so a label equal to the
query, or starting with it, ranks first. Words are matched against the vocabulary of
distinct label words once per query, not against every label.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .model import PathwayModel

MAX_WORDS = 8
MAX_QUERY = 200
THRESHOLD = 0.5
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def within_one(a: str, b: str) -> bool:
    """Damerau-Levenshtein distance of at most 1 (one letter changed, missing, extra or swapped)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    i = 0
    while i < min(la, lb) and a[i] == b[i]:
        i += 1
    if la == lb:
        return a[i + 1 :] == b[i + 1 :] or (
            a[i : i + 2] == b[i : i + 2][::-1] and a[i + 2 :] == b[i + 2 :]
        )
    return a[i:] == b[i + 1 :] if la < lb else a[i + 1 :] == b[i:]


def _stem_length(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def quality(q: str, t: str) -> float:
    """How well a query word matches a label word (0: not at all)."""
    if q == t:
        return 1.0
    if len(q) >= 3 and t.startswith(q):
        return 0.9
    if len(q) >= 4 and q in t:
        return 0.85
    shared = _stem_length(q, t)
    if shared >= 5 and shared >= 0.7 * min(len(q), len(t)):
        return 0.8
    if len(q) >= 4 and q[:1] == t[:1]:
        if within_one(q, t):
            return 0.75
        for size in (len(q) - 1, len(q), len(q) + 1):
            if size >= 4 and within_one(q, t[:size]):
                return 0.7
    return 0.0


@dataclass
class Entry:
    iri: str
    kind: str
    labels: list[tuple[str, list[str], str]]  # (folded text, words, original text)


class TextIndex:
    """Every searchable thing's labels, and which things use each word (built once per model)."""

    def __init__(self, model: PathwayModel) -> None:
        self.entries: list[Entry] = []
        self.vocabulary: dict[str, set[int]] = {}
        for kind, iris in things_by_kind(model).items():
            for iri in iris:
                texts = [text for _, text in model.labels.all_texts(iri)]
                texts.append(iri.rstrip("/").rsplit("/", 1)[-1].replace("-", " "))
                labels = []
                for text in dict.fromkeys(texts):
                    folded = " ".join(words(text))
                    if folded:
                        labels.append((folded, folded.split(), text))
                entry_id = len(self.entries)
                self.entries.append(Entry(iri, kind, labels))
                for _, ws, _ in labels:
                    for w in ws:
                        self.vocabulary.setdefault(w, set()).add(entry_id)

    def search(self, query: str, kinds: Iterable[str]) -> list[tuple[float, int, Entry, str]]:
        """(score, label length, entry, matched label) of the matching things, unsorted."""
        qwords = words(query[:MAX_QUERY])[:MAX_WORDS]
        if not qwords:
            return []
        folded = " ".join(qwords)
        per_word: list[dict[str, float]] = []
        candidates: set[int] = set()
        for q in qwords:
            found = {t: s for t in self.vocabulary if (s := quality(q, t)) > 0}
            per_word.append(found)
            for t in found:
                candidates |= self.vocabulary[t]
        wanted = set(kinds)
        out = []
        for entry_id in candidates:
            entry = self.entries[entry_id]
            if entry.kind not in wanted:
                continue
            best, best_text, best_len = 0.0, "", 0
            for text, ws, original in entry.labels:
                score = _label_score(folded, text, ws, per_word)
                if score > best:
                    best, best_text, best_len = score, original, len(ws)
            if best >= THRESHOLD:
                out.append((best, best_len, entry, best_text))
        return out


def _label_score(folded: str, text: str, ws: list[str], per_word: list[dict[str, float]]) -> float:
    if text == folded:
        return 1.0
    if text.startswith(folded):
        return 0.97
    used: set[int] = set()
    total = 0.0
    for found in per_word:
        best, where = 0.0, -1
        for i, w in enumerate(ws):
            s = found.get(w, 0.0)
            if s > best:
                best, where = s, i
        total += best
        if where >= 0:
            used.add(where)
    mean = total / len(per_word)
    coverage = len(used) / len(ws)
    return 0.9 * mean * (0.8 + 0.2 * coverage)


def things_by_kind(model: PathwayModel) -> dict[str, list[str]]:
    """The searchable things: roles, presets, steps, qualifications and skills."""
    quals: set[int] = set(model.qualification_level) | set(model.certified)
    quals |= set(model.qualification_country)
    for course in model.courses:
        quals.update(course.qualifications)
        if course.requirement is not None:
            quals |= course.requirement.accepts
    for profile in model.profiles.values():
        quals.update(profile.qualifications)
    for role in model.roles.values():
        if role.requirement is not None:
            quals |= role.requirement.accepts
    return {
        "role": list(model.roles),
        "entry-profile": list(model.profiles),
        "course": [c.iri for c in model.courses],
        "qualification": [model.items[i] for i in sorted(quals)],
        "skill": [iri for i, iri in enumerate(model.items) if i not in quals],
    }


def index_of(model: PathwayModel) -> TextIndex:
    found: TextIndex | None = model.caches.get("text-index")
    if found is None:
        found = model.caches["text-index"] = TextIndex(model)
    return found
