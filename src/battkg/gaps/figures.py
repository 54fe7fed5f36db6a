"""Figures of one kind: ranges, demand per year with its stated method, and the difference.

A figure is a range (low, high); None at either end means that end is not known (an open
range, "more than 600"). Figures of different kinds are never added or compared: only a
demand per year (from hires a year, a hiring plan's period, a plan's ramp-up or a
headcount with a stated turnover rate) is set against places per year.
"""

from __future__ import annotations

from dataclasses import dataclass

from .inputs import Estimate


@dataclass(frozen=True)
class Range:
    low: int | None
    high: int | None

    def json(self) -> dict[str, int | None]:
        return {"low": self.low, "high": self.high}


@dataclass(frozen=True)
class PerYear:
    """Demand per year, or why there is none; `method` says how it was made from the figure."""

    figure: Range | None
    method: str | None = None
    reason: str | None = None
    #: the method or reason as a code with its values, for the pages' translations
    code: str = ""
    values: tuple[tuple[str, object], ...] = ()


def _scaled(value: int | None, factor: float) -> int | None:
    return None if value is None else round(value * factor)


def per_year(estimate: Estimate, turnover: float | None = None) -> PerYear:
    """The estimate as demand per year, with the method beside it, or the reason it has none."""
    low, high = estimate.low, estimate.high
    if low is None and high is None:
        return PerYear(None, reason="the figure is unknown", code="unknown")
    measure = estimate.measure
    if measure == "hires-per-year":
        return PerYear(Range(low, high), method="the source states hires a year", code="stated")
    if measure == "planned-hires":
        if estimate.period_start is None or estimate.period_end is None:
            return PerYear(
                None, reason="a hiring plan without a stated period has no yearly figure"
            )
        years = max(1, estimate.period_end - estimate.period_start)
        return PerYear(
            Range(_scaled(low, 1 / years), _scaled(high, 1 / years)),
            method=(
                f"hires planned for {estimate.period_start}-{estimate.period_end}, divided by "
                f"{years} year{'s' if years != 1 else ''} (period end minus period start, at least 1)"
            ),
            code="period",
            values=(
                ("start", estimate.period_start),
                ("end", estimate.period_end),
                ("years", years),
            ),
        )
    if measure == "planned-jobs":
        published = int(estimate.published[:4]) if estimate.published else None
        if estimate.year is None or published is None or estimate.year <= published:
            return PerYear(
                None,
                reason="a plan of jobs becomes a yearly figure only with a target year after its publication",
                code="no-target",
            )
        years = estimate.year - published
        return PerYear(
            Range(_scaled(low, 1 / years), _scaled(high, 1 / years)),
            method=f"jobs planned by {estimate.year}, spread over the {years} years since the plan was published ({published})",
            code="ramp-up",
            values=(("year", estimate.year), ("years", years), ("published", published)),
        )
    if measure == "headcount":
        if turnover is None:
            return PerYear(
                None,
                reason="a headcount becomes demand per year only with a stated turnover rate (give turnover, e.g. 0.1 for 10% a year)",
                code="no-turnover",
            )
        return PerYear(
            Range(_scaled(low, turnover), _scaled(high, turnover)),
            method=f"headcount times a turnover of {turnover:.0%} a year (the rate given in the request, not the source's)",
            code="turnover",
            values=(("rate", f"{turnover:.0%}"),),
        )
    return PerYear(
        None,
        reason=f"a {measure} figure is not demand per year; it is shown as it is and never compared with places",
        code="not-yearly",
    )


def difference(demand: Range, places: Range) -> Range:
    """Demand per year minus places per year, as a range (None where an end is unbounded)."""
    low = None if demand.low is None or places.high is None else demand.low - places.high
    high = None if demand.high is None or places.low is None else demand.high - places.low
    return Range(low, high)
