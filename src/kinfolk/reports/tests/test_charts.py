"""The SVG chart helper: strict-CSP markup, escaped text, withheld values marked, never drawn."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from kinfolk.web.charts import Series, bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def _chart(**kwargs):
    defaults = {
        "labels": ["2026 Q1", "2026 Q2", "2026 Q3"],
        "series": [Series("formed", [10, None, 30]), Series("ended", [5, 6, None])],
        "title": "Pairings",
    }
    return bar_chart(**{**defaults, **kwargs})


def test_markup_is_well_formed_svg_without_styles_or_scripts():
    svg = _chart()
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Pairings"
    assert not re.search(r"\sstyle=|<style|<script|\son\w+=", svg)


def test_each_shown_value_is_a_bar_with_its_height_in_proportion():
    root = ET.fromstring(_chart())
    bars = root.findall(f".//{SVG}rect[@class]")
    drawn = [b for b in bars if "chart-bar" in b.get("class")]
    assert len(drawn) == 4  # 6 values, 2 withheld
    heights = sorted(float(b.get("height")) for b in drawn)
    # 5, 6, 10 and 30 on an axis to 40.
    assert heights[-1] / heights[0] == pytest.approx(30 / 5, rel=0.02)


def test_withheld_values_are_marked_not_drawn_as_zero():
    svg = _chart(suppressed_mark="<5")
    root = ET.fromstring(svg)
    marks = root.findall(f".//{SVG}g[@class='chart-suppressed']")
    assert len(marks) == 2
    assert all(m.find(f"{SVG}text").text == "<5" for m in marks)
    assert "formed, 2026 Q2: &lt;5" in svg


def test_text_is_escaped():
    svg = _chart(title="<script>x</script>", series=[Series("a&b", [1, 2, 3])])
    assert "<script>" not in svg
    assert "a&amp;b" in svg
    ET.fromstring(svg)


def test_stacked_bars_sit_on_each_other():
    series = [Series("a", [10]), Series("b", [10])]
    root = ET.fromstring(bar_chart(labels=["Q"], series=series, title="t", stacked=True))
    a, b = (r for r in root.findall(f".//{SVG}rect") if "chart-bar" in (r.get("class") or ""))
    assert float(a.get("y")) == pytest.approx(float(b.get("y")) + float(b.get("height")))


def test_a_series_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError, match="one value per label"):
        bar_chart(labels=["a", "b"], series=[Series("x", [1])], title="t")
