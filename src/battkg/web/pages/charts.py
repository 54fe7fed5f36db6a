"""Charts drawn on the server as SVG, so they print and need no script: a route's timeline and
the matrix's stacked bars (weeks per entry level, one segment per step). Each chart has a
title and a description for screen readers; the page shows the same figures as a table.

Drawn directly rather than through a plotting library: two bar shapes need no layout engine,
and a page must render in well under 100 ms (a plotting library's start-up alone is more).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

PALETTE = 6  # step colours, .s0 ... .s5 in battkg.css


#: the width of a step of unknown length: drawn dashed and marked "?", never to scale
UNKNOWN_PX = 56


@dataclass
class Segment:
    label: str
    weeks: float
    known: bool = True  # False: the length is unknown (`weeks` is the search's stand-in)


@dataclass
class Bar:
    label: str
    segments: list[Segment]
    note: str = ""  # shown instead of a bar when there is none


def ticks(longest: float) -> list[float]:
    """Round tick positions (weeks) for an axis up to `longest`."""
    if longest <= 0:
        return [0.0]
    raw = longest / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    return [i * step for i in range(int(longest // step) + 2)]


def timeline(
    segments: Sequence[Segment],
    *,
    title: str,
    description: str,
    weeks_label: Callable[[float], str],
    chart_id: str,
    unknown_label: str = "length unknown",
) -> Markup:
    """One route drawn to scale: a bar per step along an axis of weeks. A step of unknown
    length is a dashed box marked "?" of a fixed width; with one, the axis has no ticks past 0
    (a tick after it would be a guess) and the known steps share the rest of the width."""
    unknown = sum(not s.known for s in segments)
    total = sum(s.weeks for s in segments if s.known)
    axis = ticks(total) if not unknown else [0.0]
    width, left, right, height = 800, 10, 10, 64
    usable = width - left - right - UNKNOWN_PX * unknown
    scale_end = (axis[-1] if not unknown else total) or 1.0

    parts = [
        f'<svg class="chart timeline" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(description)}</desc>',
    ]
    x0 = float(left)
    for n, seg in enumerate(segments):
        span = usable * seg.weeks / scale_end if seg.known else UNKNOWN_PX
        length = weeks_label(seg.weeks) if seg.known else unknown_label
        parts.append(
            f'<rect class="s{n % PALETTE}{"" if seg.known else " unknown"}" x="{x0:.1f}" y="6" '
            f'width="{max(span, 2):.1f}" height="26">'
            f"<title>{escape(seg.label)}: {escape(length)}</title></rect>"
        )
        if span > 24:
            mark, cls = (n + 1, "on-bar") if seg.known else (f"{n + 1} ?", "on-unknown")
            parts.append(f'<text class="{cls}" x="{x0 + 4:.1f}" y="24">{mark}</text>')
        x0 += span
    parts.append(f'<line class="axis" x1="{left}" y1="36" x2="{width - right}" y2="36"/>')
    for tick in axis:
        tx = left + usable * tick / scale_end
        anchor = "start" if tick == 0 else "end" if tick == axis[-1] else "middle"
        parts.append(
            f'<line class="tick" x1="{tx:.1f}" y1="36" x2="{tx:.1f}" y2="41"/>'
            f'<text x="{tx:.1f}" y="56" text-anchor="{anchor}">{escape(weeks_label(tick))}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def stacked(
    bars: Sequence[Bar],
    *,
    title: str,
    description: str,
    weeks_label: Callable[[float], str],
    chart_id: str,
    unknown_label: str = "length unknown",
) -> Markup:
    """Horizontal bars, one per entry level, stacked by step, on one axis of weeks. A step
    of unknown length is a dashed box marked "?" of a fixed width, never to scale: the bar's
    end past it is not a length."""
    longest = max((sum(s.weeks for s in b.segments if s.known) for b in bars), default=0.0)
    axis = ticks(longest)
    scale_end = axis[-1] or 1.0
    label_width, width, row, top = 300, 900, 30, 8
    usable = width - label_width - 20
    height = top + row * len(bars) + 34

    def x(week: float) -> float:
        return label_width + usable * week / scale_end

    parts = [
        f'<svg class="chart matrix" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(description)}</desc>',
    ]
    for i, bar in enumerate(bars):
        y = top + i * row
        short = bar.label if len(bar.label) <= 42 else bar.label[:40] + "…"
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 18}" text-anchor="end">{escape(short)}</text>'
        )
        x0 = x(0.0)
        for n, seg in enumerate(bar.segments):
            span = x(seg.weeks) - x(0.0) if seg.known else UNKNOWN_PX
            length = weeks_label(seg.weeks) if seg.known else unknown_label
            parts.append(
                f'<rect class="s{n % PALETTE}{"" if seg.known else " unknown"}" x="{x0:.1f}" '
                f'y="{y + 4}" width="{max(span, 1.5):.1f}" height="{row - 10}">'
                f"<title>{escape(bar.label)}: {escape(seg.label)}, "
                f"{escape(length)}</title></rect>"
            )
            if not seg.known:
                parts.append(f'<text class="on-unknown" x="{x0 + 4:.1f}" y="{y + 18}">?</text>')
            x0 += span
        if bar.note:
            parts.append(
                f'<text class="note" x="{label_width + 4}" y="{y + 18}">{escape(bar.note)}</text>'
            )
    base = top + row * len(bars) + 2
    parts.append(
        f'<line class="axis" x1="{label_width}" y1="{base}" x2="{width - 20}" y2="{base}"/>'
    )
    for tick in axis:
        tx = x(tick)
        parts.append(
            f'<line class="tick" x1="{tx:.1f}" y1="{base}" x2="{tx:.1f}" y2="{base + 5}"/>'
            f'<text x="{tx:.1f}" y="{base + 20}" text-anchor="middle">{escape(weeks_label(tick))}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
