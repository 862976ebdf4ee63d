"""Bar charts drawn on the server as SVG geometry: no script, no style attribute.

Each bar carries a class (its colour lives in the stylesheet) and a title
(the figure, for a screen reader and a pointer); the page also prints the
figures as a table, so the chart is never the only place a number appears.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH, HEIGHT = 640, 240
_LEFT, _BOTTOM, _TOP = 64, 28, 10


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: str
    title: str


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class Label:
    x: float
    text: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    baseline: float
    bars: list[Bar]
    ticks: list[Tick]
    labels: list[Label]
    #: A horizontal line (the budget, say) as its height and title; None for none.
    line_y: float | None = None
    line_title: str = ""


def bar_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[int]]],
    *,
    fmt: object,
    stacked: bool = True,
    line: tuple[int, str] | None = None,
) -> Chart:
    """Bars per label: ``series`` is (name, css class, one value per label).

    ``fmt`` turns a value into text (a money formatter).  Stacked series sit
    on one another; otherwise they stand side by side.  ``line`` draws a
    horizontal rule at a value, such as a monthly budget.
    """
    format_value = fmt if callable(fmt) else str
    n = max(len(labels), 1)
    plot_w, plot_h = WIDTH - _LEFT - 8, HEIGHT - _BOTTOM - _TOP
    totals = [sum(s[2][i] for s in series) for i in range(len(labels))] if stacked else []
    peaks = totals if stacked else [max(s[2]) for s in series if len(s[2])]
    top = max([*peaks, line[0] if line else 0, 1])
    scale = plot_h / top
    baseline = HEIGHT - _BOTTOM
    slot = plot_w / n
    bars: list[Bar] = []
    for i, label in enumerate(labels):
        x = _LEFT + i * slot + slot * 0.15
        width = slot * 0.7
        under = 0.0
        for k, (name, css, values) in enumerate(series):
            value = values[i]
            if value <= 0:
                continue
            h = value * scale
            if stacked:
                bars.append(Bar(x, baseline - under - h, width, h, css,
                                f"{label} · {name}: {format_value(value)}"))  # fmt: skip
                under += h
            else:
                w = width / len(series)
                bars.append(Bar(x + k * w, baseline - h, w, h, css,
                                f"{label} · {name}: {format_value(value)}"))  # fmt: skip
    ticks = [Tick(baseline - f * plot_h, str(format_value(round(top * f)))) for f in (0, 0.5, 1)]
    texts = [Label(_LEFT + (i + 0.5) * slot, text) for i, text in enumerate(labels)]
    line_y = baseline - line[0] * scale if line else None
    return Chart(WIDTH, HEIGHT, _LEFT, baseline, bars, ticks, texts, line_y,
                 line[1] if line else "")  # fmt: skip
