"""The report charts laid out once, drawn twice: as inline SVG on the page and as a
reportlab drawing in the PDF.

The layout is plain geometry (boxes in a ``width`` x ``height`` frame, y downwards), so a
test can check that no two labels overlap and that every label lies inside the frame.
Text is measured with Helvetica's metrics (reportlab's ``stringWidth``); the SVG asks for
Helvetica/Arial, whose widths match, and the gaps between labels leave room for a phone's
substitute font.

Two kinds, phone-first:

- ``hbar``: one group per category, its name on its own line(s) above the bars, each
  bar's value just past its end (the bars are scaled so the values always fit), so a
  long name or a narrow screen never makes two labels collide.
- ``line``: a monthly trend; months as short names ("Jan", "Agu") with the year under the
  first one and wherever it changes, every k-th month when twelve do not fit side by side,
  values above the points with the same spacing rule.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.formats import date_format, number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

Measure = Callable[[str, float], float]

PALETTE = ["#9e9e9e", "#198754", "#0d6efd", "#fd7e14"]
TEXT = "#212529"
MUTED = "#6c757d"
GRID = "#dee2e6"
FONT = "Helvetica"
SVG_FONT = "Helvetica, Arial, 'Liberation Sans', sans-serif"
ASCENT = 0.8  # of the font size, above the baseline (box top)
DESCENT = 0.22  # below it
GAP = 6.0  # the least room between two labels side by side


def helvetica(text: str, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth(text, FONT, size)


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    def overlaps(self, other: Box) -> bool:
        return (
            self.x < other.x + other.w
            and other.x < self.x + self.w
            and self.y < other.y + other.h
            and other.y < self.y + self.h
        )

    def inside(self, width: float, height: float) -> bool:
        eps = 1e-6
        return (
            self.x >= -eps
            and self.y >= -eps
            and self.x + self.w <= width + eps
            and self.y + self.h <= height + eps
        )


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # baseline
    text: str
    size: float
    width: float
    anchor: str = "start"  # start | middle | end
    fill: str = TEXT

    @property
    def box(self) -> Box:
        left = {"start": self.x, "middle": self.x - self.width / 2, "end": self.x - self.width}
        return Box(
            left[self.anchor],
            self.y - ASCENT * self.size,
            self.width,
            (ASCENT + DESCENT) * self.size,
        )


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str
    title: str = ""


@dataclass(frozen=True)
class Polyline:
    points: tuple[tuple[float, float], ...]
    stroke: str
    width: float = 2.0
    dashed: bool = False


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    r: float
    fill: str
    title: str = ""


@dataclass
class Chart:
    kind: str
    width: float
    height: float = 0.0
    texts: list[Text] = field(default_factory=list)
    rects: list[Rect] = field(default_factory=list)
    lines: list[Polyline] = field(default_factory=list)
    dots: list[Dot] = field(default_factory=list)

    def label_boxes(self) -> list[Box]:
        return [t.box for t in self.texts]


def colour(series_count: int, i: int) -> str:
    """As on the pages before: one series is green, two are grey (before) and green."""
    return PALETTE[(i + (1 if series_count == 1 else 0)) % len(PALETTE)]


def value_text(value, *, percent: bool) -> str:
    if value is None:
        return "-"
    text = number_format(value, 1) if isinstance(value, float) else number_format(value)
    return f"{text}%" if percent else text


def wrap(text: str, width: float, size: float, measure: Measure) -> list[str]:
    """Words on lines no wider than ``width``; a single word wider than that is cut with
    an ellipsis (never split mid-word onto the next line)."""
    lines: list[str] = []
    line = ""
    for word in str(text).split():
        candidate = f"{line} {word}" if line else word
        if line and measure(candidate, size) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    if line:
        lines.append(line)
    return [_fit(line, width, size, measure) for line in lines] or [""]


def _fit(text: str, width: float, size: float, measure: Measure) -> str:
    if measure(text, size) <= width:
        return text
    while text and measure(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


def _text(x, y, text, size, measure, anchor="start", fill=TEXT) -> Text:
    return Text(x, y, text, size, measure(text, size), anchor, fill)


def _legend(chart: Chart, series: list[dict], y: float, pad: float, size: float, measure) -> float:
    """Swatch and name per series, flowing onto more rows when they do not fit; returns
    the y below the legend."""
    if len(series) < 2:
        return y
    swatch = size * 0.8
    x = pad
    row = y
    for i, s in enumerate(series):
        label = _fit(s["label"], chart.width - 2 * pad - swatch - 4, size, measure)
        need = swatch + 4 + measure(label, size)
        if x > pad and x + need > chart.width - pad:
            x = pad
            row += size * 1.4
        chart.rects.append(
            Rect(x, row + (size - swatch) / 2, swatch, swatch, colour(len(series), i))
        )
        chart.texts.append(_text(x + swatch + 4, row + ASCENT * size, label, size, measure))
        x += need + 12
    return row + size * 1.4 + 2


def hbar(
    spec: dict, *, width: float = 320, size: float = 12, measure: Measure = helvetica
) -> Chart:
    """Horizontal bars: a group per label (name above, one bar per series)."""
    chart = Chart("hbar", width)
    pad = 2.0
    series = spec.get("series", [])
    percent = bool(spec.get("percent"))
    vsize = size * 0.9
    values = [v for s in series for v in s["data"] if v is not None]
    top = 100.0 if percent else float(max([*values, 0]) or 1)
    value_room = max(
        [measure(value_text(v, percent=percent), vsize) for v in [*values, None]], default=0
    )
    length = max(width - 2 * pad - value_room - 4, 10)
    bar = max(size * 0.85, 8)
    pitch = max(bar, (ASCENT + DESCENT) * vsize) + 2
    y = _legend(chart, series, pad, pad, size, measure)
    for i, label in enumerate(spec.get("labels", [])):
        y += 4 if i else 0
        for line in wrap(label, width - 2 * pad, size, measure):
            y += size * 1.15
            chart.texts.append(_text(pad, y - DESCENT * size, line, size, measure))
        y += 2
        for j, s in enumerate(series):
            value = s["data"][i] if i < len(s["data"]) else None
            shown = value_text(value, percent=percent)
            w = 0.0 if value is None else max(length * min(float(value), top) / top, 0)
            if w:
                chart.rects.append(
                    Rect(pad, y, w, bar, colour(len(series), j), f"{label} · {s['label']}: {shown}")
                )
            baseline = y + bar / 2 + (ASCENT - DESCENT) * vsize / 2
            chart.texts.append(_text(pad + w + 4, baseline, shown, vsize, measure, fill=MUTED))
            y += pitch
    chart.height = math.ceil(y + pad)
    return chart


def month_labels(keys: list[str]) -> list[tuple[str, str]]:
    """``"2026-07"`` keys as the reader's short month ("Jul", "Agu") and year."""
    out = []
    for key in keys:
        try:
            day = datetime.date.fromisoformat(f"{key}-01")
        except ValueError:
            out.append((str(key), ""))
            continue
        out.append((date_format(day, "M"), str(day.year)))
    return out


def _step(centres_apart: float, widest: float, n: int) -> int:
    """Every k-th label, the least k that keeps neighbours ``GAP`` apart."""
    if n < 2 or centres_apart <= 0:
        return 1
    return max(1, math.ceil((widest + GAP) / centres_apart))


def line(
    spec: dict,
    *,
    width: float = 320,
    size: float = 11,
    plot_height: float = 130,
    measure: Measure = helvetica,
) -> Chart:
    """A monthly trend (``spec["months"]`` holds the ``YYYY-MM`` keys)."""
    chart = Chart("line", width)
    pad = 2.0
    series = spec.get("series", [])
    percent = bool(spec.get("percent"))
    months = month_labels(spec.get("months") or []) or [(str(x), "") for x in spec["labels"]]
    n = len(months)
    vsize = size * 0.9
    values = [v for s in series for v in s["data"] if v is not None]
    top = 100.0 if percent else _nice(max([*values, 0]))
    ticks = [0, top / 2, top]
    tick_texts = [
        value_text(int(t) if float(t).is_integer() else t, percent=percent) for t in ticks
    ]
    tick_room = max(measure(t, vsize) for t in tick_texts) + 4
    month_w = [max(measure(m, size), measure(y, size)) for m, y in months]
    shown_values = [
        [value_text(v, percent=percent) if v is not None else "" for v in s["data"]] for s in series
    ]
    value_w = [
        max([measure(s[i], vsize) for s in shown_values if i < len(s)], default=0) for i in range(n)
    ]
    first = max(month_w[0], value_w[0]) / 2 if n else 0
    last = max(month_w[-1], value_w[-1]) / 2 if n else 0
    left = pad + tick_room + first + 2
    right = width - pad - last
    apart = (right - left) / (n - 1) if n > 1 else 0
    xs = [left + i * apart for i in range(n)] if n > 1 else [(left + right) / 2] * n
    label_step = _step(apart, max(month_w, default=0), n)
    value_step = _step(apart, max(value_w, default=0), n)
    # The last month (the report's own quarter) always keeps its label.
    label_at = {i for i in range(n) if (n - 1 - i) % label_step == 0}
    value_at = {i for i in range(n) if (n - 1 - i) % value_step == 0}

    y = _legend(chart, series, pad, pad, size, measure)
    plot_top = y + (ASCENT + DESCENT) * vsize + 6
    plot_bottom = plot_top + plot_height

    def at(v) -> float:
        return plot_bottom - plot_height * min(float(v), top) / top

    for t, text in zip(ticks, tick_texts, strict=True):
        ty = at(t)
        chart.lines.append(Polyline(((left - 2, ty), (right, ty)), GRID, 1.0, dashed=t != 0))
        baseline = ty + (ASCENT - DESCENT) * vsize / 2
        chart.texts.append(_text(pad + tick_room - 4, baseline, text, vsize, measure, "end", MUTED))
    for j, s in enumerate(series):
        c = colour(len(series), j)
        run: list[tuple[float, float]] = []
        for i in range(n):
            v = s["data"][i] if i < len(s["data"]) else None
            if v is None:
                if len(run) > 1:
                    chart.lines.append(Polyline(tuple(run), c))
                run = []
                continue
            point = (xs[i], at(v))
            run.append(point)
            month = " ".join(part for part in months[i] if part)
            chart.dots.append(Dot(*point, 3, c, f"{month}: {shown_values[j][i]}"))
            if i in value_at and j == len(series) - 1:
                chart.texts.append(
                    _text(point[0], point[1] - 5, shown_values[j][i], vsize, measure, "middle", c)
                )
        if len(run) > 1:
            chart.lines.append(Polyline(tuple(run), c))
    baseline = plot_bottom + 4 + ASCENT * size
    year_line = baseline + size * 1.15
    previous_year = None
    for i, (month, year) in enumerate(months):
        if i not in label_at:
            continue
        chart.texts.append(_text(xs[i], baseline, month, size, measure, "middle"))
        if year and year != previous_year:
            chart.texts.append(_text(xs[i], year_line, year, size, measure, "middle", MUTED))
        previous_year = year
    chart.height = math.ceil(year_line + DESCENT * size + pad)
    return chart


def _nice(value: float) -> float:
    """A round axis top at or above ``value`` (1, 2 or 5 times a power of ten)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for m in (1, 2, 5, 10):
        if value <= m * power:
            return float(m * power)
    return float(10 * power)


LAYOUTS = {"hbar": hbar, "line": line}


def layout(spec: dict, kind: str, **kwargs) -> Chart:
    return LAYOUTS[kind](spec, **kwargs)


# --- drawing ------------------------------------------------------------------------------


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def svg(chart: Chart, *, label: str, key: str = "") -> SafeString:
    """Inline SVG: attributes only (no style attribute, no script), for the page's CSP."""
    parts = [
        f'<svg class="report-chart" data-chart="{escape(key or chart.kind)}"'
        f' viewBox="0 0 {_n(chart.width)} {_n(chart.height)}" role="img"'
        f' aria-label="{escape(label)}" font-family="{escape(SVG_FONT)}">',
        f"<title>{escape(label)}</title>",
    ]
    for p in chart.lines:
        points = " ".join(f"{_n(x)},{_n(y)}" for x, y in p.points)
        dash = ' stroke-dasharray="3 3"' if p.dashed else ""
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{p.stroke}"'
            f' stroke-width="{_n(p.width)}"{dash}/>'
        )
    for r in chart.rects:
        title = f"<title>{escape(r.title)}</title>" if r.title else ""
        parts.append(
            f'<rect x="{_n(r.x)}" y="{_n(r.y)}" width="{_n(r.w)}" height="{_n(r.h)}"'
            f' fill="{r.fill}">{title}</rect>'
        )
    for d in chart.dots:
        title = f"<title>{escape(d.title)}</title>" if d.title else ""
        parts.append(
            f'<circle cx="{_n(d.x)}" cy="{_n(d.y)}" r="{_n(d.r)}" fill="{d.fill}">{title}</circle>'
        )
    for t in chart.texts:
        parts.append(
            f'<text x="{_n(t.x)}" y="{_n(t.y)}" font-size="{_n(t.size)}"'
            f' text-anchor="{t.anchor}" fill="{t.fill}">{escape(t.text)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every value above is escaped or a number


def drawing(chart: Chart):
    """The same chart as a reportlab ``Drawing`` (a flowable), y turned upwards."""
    from reportlab.graphics.shapes import Circle, Drawing, PolyLine, String
    from reportlab.graphics.shapes import Rect as RlRect
    from reportlab.lib import colors

    h = chart.height
    out = Drawing(chart.width, h)
    for p in chart.lines:
        out.add(
            PolyLine(
                [c for x, y in p.points for c in (x, h - y)],
                strokeColor=colors.HexColor(p.stroke),
                strokeWidth=p.width,
                strokeDashArray=[3, 3] if p.dashed else None,
            )
        )
    for r in chart.rects:
        out.add(
            RlRect(
                r.x, h - r.y - r.h, r.w, r.h, fillColor=colors.HexColor(r.fill), strokeColor=None
            )
        )
    for d in chart.dots:
        out.add(Circle(d.x, h - d.y, d.r, fillColor=colors.HexColor(d.fill), strokeColor=None))
    for t in chart.texts:
        out.add(
            String(
                t.x,
                h - t.y,
                t.text,
                fontName=FONT,
                fontSize=t.size,
                fillColor=colors.HexColor(t.fill),
                textAnchor=t.anchor,
            )
        )
    return out
