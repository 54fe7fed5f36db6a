"""The engine's words in the person's language: confidence, offer status, audience, units.

Messages are marked with `N_` where they are defined and translated with the `engine`
catalogue of battkg.i18n where they are shown (`words(lang).confidence("estimated")`).
"""

from __future__ import annotations

from ..i18n import N_, translator

CONFIDENCE = {
    "confirmed": N_("confirmed"),
    "estimated": N_("estimated"),
    "unknown": N_("unknown"),
}
OFFER_STATUS = {
    "running": N_("running"),
    "planned": N_("planned"),
    "ended": N_("ended"),
    "unknown": N_("status unknown"),
}
AUDIENCE = {
    "anyone": N_("open to anyone"),
    "adults": N_("adults (adult education)"),
    "youth": N_("young people in upper-secondary school"),
    "unemployed": N_("job seekers registered with the employment service"),
    "employees": N_("employees of one employer"),
    "vocational-teachers": N_("vocational teachers"),
}
SITUATION = {
    "employed": N_("employed"),
    "unemployed": N_("registered as unemployed"),
    "in-school": N_("in school"),
}
FACT = {
    "durationWeeks": N_("duration"),
    "tuitionFee": N_("fee"),
    "entryRequirement": N_("entry requirement"),
    "awardsQualification": N_("qualification awarded"),
    "placesPerYear": N_("places per year"),
    "startDate": N_("start dates"),
    "teachingLanguage": N_("teaching language"),
    "offerStatus": N_("offer status"),
}


class Words:
    """One language's engine texts."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.catalogue = translator(lang, "engine")
        self._ = self.catalogue.gettext

    def text(self, message: str, **values: object) -> str:
        """A marked message translated, with its {placeholders} filled in."""
        return self._(message).format(**values)

    def confidence(self, mark: str) -> str:
        return self._(CONFIDENCE.get(mark, mark))

    def offer_status(self, status: str) -> str:
        return self._(OFFER_STATUS.get(status, status))

    def audience(self, audience: str) -> str:
        return self._(AUDIENCE.get(audience, audience))

    def situation(self, situation: str) -> str:
        return self._(SITUATION.get(situation, situation))

    def fact(self, prop: str) -> str:
        return self._(FACT.get(prop, prop))

    def weeks(self, weeks: float) -> str:
        return self.catalogue.ngettext("{n} week", "{n} weeks", round(weeks)).format(n=f"{weeks:g}")

    def years(self, years: float) -> str:
        return self.catalogue.ngettext("{n} year", "{n} years", round(years)).format(n=f"{years:g}")
