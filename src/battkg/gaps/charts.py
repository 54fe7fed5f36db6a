"""The gap page's charts, drawn on the server as SVG (no script, they print): a heat map of
places per region x stage with the cells that have demand marked, bars of places per level,
and demand estimates over time per region. Every chart has a title and a description, and the
page shows the same figures as tables (the text alternative).

Drawn directly, like the guide's charts (battkg.web.pages.charts): a few rectangles need no
plotting library, and its start-up alone would cost more than the page may take.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from .inputs import MEASURES

Fmt = Callable[[float], str]
#: heat-map classes h0 (no running offer) ... h4, by places per year
BINS = (1, 50, 200, 1000)
#: measures drawn with their own symbol class m0 ... m6, in the order inputs.MEASURES has them
MEASURE_ORDER = MEASURES


def _open(
    cls: str, width: int, height: int, chart_id: str, title: str, desc: str, *, links: bool = False
) -> list[str]:
    # a chart whose marks are links is a group of them: an image's children are presentational,
    # so links inside role="img" are nested interactive controls no screen reader can reach
    role = "group" if links else "img"
    return [
        f'<svg class="chart {cls}" viewBox="0 0 {width} {height}" role="{role}" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(desc)}</desc>',
    ]


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


@dataclass
class Cell:
    places: int | None  # known places a year (None: no running offer)
    open_high: bool  # some places unknown
    demand: int  # current estimates in the cell
    tip: str
    href: str = ""


def heat_class(cell: Cell) -> str:
    if cell.places is None:
        return "h0"
    return f"h{sum(1 for b in BINS if cell.places >= b)}"


def heatmap(
    rows: Sequence[str],
    columns: Sequence[str],
    cells: dict[tuple[int, int], Cell],
    *,
    title: str,
    description: str,
    chart_id: str,
) -> Markup:
    label_w, col_w, row_h, head_h = 230, 64, 26, 120
    width = label_w + col_w * len(columns) + 10
    height = head_h + row_h * len(rows) + 10
    parts = _open("heatmap", width, height, chart_id, title, description, links=True)
    for j, col in enumerate(columns):
        x = label_w + j * col_w + col_w / 2
        parts.append(
            f'<text class="col" transform="translate({x:.0f},{head_h - 6}) rotate(-50)">'
            f"{escape(_short(col, 22))}</text>"
        )
    for i, row in enumerate(rows):
        y = head_h + i * row_h
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end">{escape(_short(row, 30))}</text>'
        )
        for j in range(len(columns)):
            cell = cells.get((i, j))
            if cell is None:
                continue
            x = label_w + j * col_w
            rect = (
                f'<rect class="{heat_class(cell)}" x="{x + 1}" y="{y + 1}" width="{col_w - 2}" '
                f'height="{row_h - 2}"><title>{escape(cell.tip)}</title></rect>'
            )
            text = "" if cell.places is None else f"{cell.places}{'+' if cell.open_high else ''}"
            mark = "●" if cell.demand else ""
            label = (
                f'<text class="on-cell" x="{x + col_w / 2:.0f}" y="{y + 17}" '
                f'text-anchor="middle">{escape(text)}{mark}</text>'
            )
            body = rect + label
            if cell.href:
                body = f'<a href="{escape(cell.href)}">{body}</a>'
            parts.append(body)
    parts.append("</svg>")
    return Markup("".join(parts))


@dataclass
class LevelBar:
    label: str
    places: int | None
    open_high: bool
    tip: str


def level_bars(
    bars: Sequence[LevelBar], *, title: str, description: str, chart_id: str, unknown: str
) -> Markup:
    label_w, width, row_h = 260, 760, 28
    height = row_h * len(bars) + 10
    longest = max((b.places or 0 for b in bars), default=0) or 1
    usable = width - label_w - 90
    parts = _open("levels", width, height, chart_id, title, description)
    for i, bar in enumerate(bars):
        y = 4 + i * row_h
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end">{escape(bar.label)}</text>'
        )
        if bar.places is None:
            parts.append(
                f'<text class="note" x="{label_w + 4}" y="{y + 17}">{escape(unknown)}</text>'
            )
            continue
        w = max(usable * bar.places / longest, 1.5)
        parts.append(
            f'<rect class="s0" x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 10}">'
            f"<title>{escape(bar.tip)}</title></rect>"
            f'<text x="{label_w + w + 6:.1f}" y="{y + 17}">{bar.places}{"+" if bar.open_high else ""}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


@dataclass
class Point:
    row: int
    year: int
    measure: str
    current: bool
    tip: str
    href: str = ""


def timeline(
    rows: Sequence[str], points: Sequence[Point], *, title: str, description: str, chart_id: str
) -> Markup:
    """Each estimate as a symbol at its year (or publication year) on its region's line; one
    symbol class per measure, hollow when superseded or void. Figures are never stacked."""
    years = [p.year for p in points] or [2026]
    first, last = min(years), max(max(years), min(years) + 1)
    label_w, width, row_h, top = 230, 900, 26, 10
    usable = width - label_w - 30
    height = top + row_h * len(rows) + 30

    def x(year: float) -> float:
        return label_w + usable * (year - first) / (last - first)

    parts = _open("timeline-demand", width, height, chart_id, title, description, links=True)
    for i, row in enumerate(rows):
        y = top + i * row_h + 13
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 4}" text-anchor="end">{escape(_short(row, 30))}</text>'
        )
        parts.append(f'<line class="tick" x1="{label_w}" y1="{y}" x2="{width - 30}" y2="{y}"/>')
    seen: dict[tuple[int, int], int] = {}
    for p in points:
        y = top + p.row * row_h + 13
        n = seen.get((p.row, p.year), 0)
        seen[(p.row, p.year)] = n + 1
        cx = x(p.year) + 7 * n
        m = MEASURE_ORDER.index(p.measure) if p.measure in MEASURE_ORDER else 0
        cls = f"m{m}" + ("" if p.current else " past")
        dot = f'<circle class="{cls}" cx="{cx:.1f}" cy="{y}" r="5"><title>{escape(p.tip)}</title></circle>'
        parts.append(f'<a href="{escape(p.href)}">{dot}</a>' if p.href else dot)
    base = top + row_h * len(rows) + 4
    parts.append(f'<line class="axis" x1="{label_w}" y1="{base}" x2="{width - 30}" y2="{base}"/>')
    step = max(1, round((last - first) / 8))
    for year in range(first, last + 1, step):
        parts.append(f'<text x="{x(year):.1f}" y="{base + 18}" text-anchor="middle">{year}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
