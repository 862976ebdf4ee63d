"""Server-rendered SVG charts: bars over time, grouped or stacked, with no script and no style.

The strict content security policy forbids inline ``style`` attributes, so each
shape carries SVG presentation attributes (``fill``, ``stroke``) and a class
(``chart-s0`` … for a series) that a stylesheet, a print stylesheet included,
may override.  A value of ``None`` is a figure the page may not show (a cell
suppressed to protect people): it is drawn as an empty dashed box marked with
``suppressed_mark`` rather than as zero, so the reader never mistakes it for
nothing.

Every chart carries a ``<title>`` and a ``<desc>`` for screen readers; pages
still put the same figures in a table beside it.

>>> svg = bar_chart(labels=["Q1", "Q2"], series=[Series("formed", [3, None])], title="Pairs")
>>> svg.startswith("<svg") and "chart-suppressed" in svg
True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

#: Series colours, in order; chosen to stay apart for the common colour-vision deficiencies.
PALETTE = ("#1f6f5c", "#d08c2a", "#4a6fa5", "#a4471b", "#7a5c99", "#5b6b76")

Value = float | int | None


@dataclass(frozen=True)
class Series:
    """One named row of values, one per label; ``None`` marks a figure withheld."""

    name: str
    values: Sequence[Value]


def _number(value: float) -> str:
    """A coordinate with at most one decimal, so the markup stays small and stable."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _nice_step(top: float) -> float:
    """A round tick step (1, 2 or 5 times a power of ten, at least 1) for four steps to ``top``.

    >>> _nice_step(30), _nice_step(3), _nice_step(0)
    (10.0, 1.0, 1.0)
    """
    wanted = max(top / 4, 1.0)
    power = 1.0
    while power * 10 <= wanted:
        power *= 10
    for step in (1, 2, 5, 10):
        if step * power >= wanted:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def bar_chart(
    *,
    labels: Sequence[str],
    series: Sequence[Series],
    title: str,
    stacked: bool = False,
    y_max: float | None = None,
    value_format: Callable[[float], str] = lambda v: f"{v:g}",
    suppressed_mark: str = "<5",
    width: int = 640,
    height: int = 240,
) -> SafeString:
    """Bars per label, one per series side by side (or stacked), as an ``<svg>`` element.

    Parameters
    ----------
    labels : the categories along the bottom axis, e.g. quarters.
    series : the values to draw, each as long as ``labels``.
    title : what the chart shows, read out by screen readers.
    stacked : stack the series on one bar per label instead of grouping them.
    y_max : the axis maximum; by default a round number above the largest bar.
    value_format : how axis ticks and values are written (a percentage, say).
    suppressed_mark : the short text drawn where a value is withheld.
    """
    if any(len(s.values) != len(labels) for s in series):
        raise ValueError("every series needs one value per label")
    left, right, top_pad, bottom = 44, 8, 12, 40
    legend_h = 20 if len(series) > 1 else 0
    plot_w = width - left - right
    plot_h = height - top_pad - bottom - legend_h
    base_y = top_pad + legend_h + plot_h

    def shown(v: Value) -> float:
        return float(v) if v is not None else 0.0

    if stacked:
        totals = (sum(shown(s.values[i]) for s in series) for i in range(len(labels)))
        tallest = max(totals, default=0.0)
    else:
        tallest = max((shown(v) for s in series for v in s.values), default=0)
    axis_top = y_max if y_max is not None else 4 * _nice_step(tallest)

    def y_of(v: float) -> float:
        return base_y - plot_h * min(v, axis_top) / axis_top

    parts: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMidYMid meet" '
        f'font-family="system-ui, sans-serif" font-size="11">',
        f"<title>{escape(title)}</title>",
        f"<desc>{escape(_describe(labels, series, value_format, suppressed_mark))}</desc>",
    ]
    # Grid lines and ticks: 0, a quarter, half, three quarters and the top.
    for k in range(5):
        v = axis_top * k / 4
        y = _number(y_of(v))
        parts.append(
            f'<line class="chart-grid" x1="{left}" x2="{width - right}" y1="{y}" y2="{y}" '
            f'stroke="#d9e1e6" stroke-width="1"/>'
            f'<text class="chart-tick" x="{left - 4}" y="{y}" text-anchor="end" '
            f'dominant-baseline="middle" fill="#5b6b76">{escape(value_format(v))}</text>'
        )
    slot = plot_w / max(len(labels), 1)
    inner = slot * 0.72
    per_bar = inner if stacked else inner / max(len(series), 1)
    for i, label in enumerate(labels):
        x0 = left + slot * i + (slot - inner) / 2
        cx = _number(left + slot * i + slot / 2)
        parts.append(
            f'<text class="chart-label" x="{cx}" y="{base_y + 16}" text-anchor="middle" '
            f'fill="#1d2a33">{escape(label)}</text>'
        )
        stack = 0.0
        for j, s in enumerate(series):
            value = s.values[i]
            x = x0 if stacked else x0 + per_bar * j
            name = escape(f"{s.name}, {label}: ")
            if value is None:
                parts.append(_withheld(x, per_bar, base_y, stack, y_of, name, suppressed_mark))
                continue
            low, high = (stack, stack + float(value)) if stacked else (0.0, float(value))
            stack = high if stacked else stack
            y_top, y_low = y_of(high), y_of(low)
            parts.append(
                f'<rect class="chart-bar chart-s{j}" x="{_number(x)}" y="{_number(y_top)}" '
                f'width="{_number(max(per_bar - 1, 1))}" height="{_number(max(y_low - y_top, 0))}" '
                f'fill="{PALETTE[j % len(PALETTE)]}"><title>{name}'
                f"{escape(value_format(float(value)))}</title></rect>"
            )
    parts.append(
        f'<line class="chart-axis" x1="{left}" x2="{width - right}" y1="{base_y}" '
        f'y2="{base_y}" stroke="#1d2a33" stroke-width="1"/>'
    )
    if legend_h:
        x = float(left)
        for j, s in enumerate(series):
            parts.append(
                f'<rect class="chart-key chart-s{j}" x="{_number(x)}" y="4" width="10" height="10" '
                f'fill="{PALETTE[j % len(PALETTE)]}"/><text class="chart-legend" '
                f'x="{_number(x + 14)}" y="13" fill="#1d2a33">{escape(s.name)}</text>'
            )
            x += 24 + 6.2 * len(s.name)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above went through escape()


def _withheld(
    x: float,
    bar_w: float,
    base_y: float,
    stack: float,
    y_of: Callable[[float], float],
    name: str,
    mark: str,
) -> str:
    """A dashed empty box where a withheld figure would stand, with its mark above."""
    bottom = y_of(stack)
    box_h = 14.0
    return (
        f'<g class="chart-suppressed"><rect x="{_number(x)}" y="{_number(bottom - box_h)}" '
        f'width="{_number(max(bar_w - 1, 1))}" height="{_number(box_h)}" fill="none" '
        f'stroke="#5b6b76" stroke-dasharray="2 2"/><text x="{_number(x + bar_w / 2)}" '
        f'y="{_number(bottom - box_h - 3)}" text-anchor="middle" fill="#5b6b76" '
        f'font-size="9">{escape(mark)}</text><title>{name}{escape(mark)}</title></g>'
    )


def _describe(
    labels: Sequence[str],
    series: Sequence[Series],
    value_format: Callable[[float], str],
    mark: str,
) -> str:
    """The chart's figures in words, for readers who cannot see it."""
    return "; ".join(
        f"{s.name}: "
        + ", ".join(
            f"{label} {mark if v is None else value_format(float(v))}"
            for label, v in zip(labels, s.values, strict=True)
        )
        for s in series
    )
