"""Message catalogues: every language has every message, and texts come out translated."""

from __future__ import annotations

from pathlib import Path

import pytest

from battkg.i18n import LANGUAGES, negotiate, normalise, translator
from battkg.i18n.catalogues import DOMAINS, extracted, missing
from battkg.pathways.answer import Describer
from battkg.pathways.builder import ModelBuilder
from battkg.pathways.views import Ref
from battkg.pathways.wording import Words


@pytest.mark.parametrize("domain", sorted(DOMAINS))
def test_no_catalogue_lacks_a_message(domain: str) -> None:
    assert missing(domain) == {}, "run: python -m battkg.i18n.catalogues, then translate"


def test_the_engine_domain_marks_its_messages() -> None:
    found = extracted("engine")
    assert "fee unknown" in found or "estimated" in found
    assert found["{n} week"] == "{n} weeks"


def test_missing_reports_a_message_a_catalogue_lacks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check itself can fail: a source folder with a message no catalogue holds."""
    import battkg.i18n.catalogues as catalogues

    (tmp_path / "extra").mkdir()
    (tmp_path / "extra" / "texts.py").write_text('gettext("a message nobody translated")\n')
    monkeypatch.setattr(catalogues, "PACKAGE", tmp_path)
    monkeypatch.setitem(catalogues.DOMAINS, "engine", ("extra",))
    gaps = catalogues.missing("engine")
    assert set(gaps) == {"sv", "fi", "nb"}
    assert gaps["sv"] == ["a message nobody translated"]


def test_translations_and_plurals() -> None:
    assert Words("sv").confidence("estimated") == "uppskattad"
    assert Words("fi").weeks(1) == "1 viikko"
    assert Words("fi").weeks(3) == "3 viikkoa"
    assert Words("nb").weeks(40) == "40 uker"
    assert Words("en").weeks(1) == "1 week"
    assert translator("en").gettext("estimated") == "estimated"
    for lang in LANGUAGES:
        assert Words(lang).confidence("unknown")


def test_language_negotiation() -> None:
    assert negotiate("sv-SE") == "sv"
    assert negotiate(None, "de-DE, nn;q=0.8, en;q=0.5") == "nb"
    assert negotiate(None, "fi;q=0.3, sv;q=0.9") == "sv"
    assert negotiate("xx", None) == "en"
    assert negotiate(None, "en;q=0, fi") == "fi"
    assert normalise("NO") == "nb" and normalise("de") is None


@pytest.mark.parametrize(
    ("lang", "one", "many"),
    [
        ("en", "; and the skill a", "; and the skills a, b"),
        ("sv", "; och färdigheten a", "; och färdigheterna a, b"),
        ("fi", "; sekä taito a", "; sekä taidot a, b"),
        ("nb", "; og ferdigheten a", "; og ferdighetene a, b"),
    ],
)
def test_a_requirement_names_one_skill_in_the_singular(lang: str, one: str, many: str) -> None:
    d = Describer(ModelBuilder().build(), lang)
    assert d.skills_text([Ref("s1", "a")]) == one
    assert d.skills_text([Ref("s1", "a"), Ref("s2", "b")]) == many
    assert d.skills_text([]) == ""
