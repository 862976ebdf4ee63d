"""Small cells are withheld, and so is any cell that arithmetic would give them back from."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kinfolk.reports.suppression import SuppressedTable


def test_every_count_below_five_is_withheld_zero_included():
    t = SuppressedTable()
    for key, n in {"a": 0, "b": 4, "c": 5, "d": 100}.items():
        t.add(key, n)
    assert t.withheld() == {"a", "b"}
    assert t.shown() == {"a": None, "b": None, "c": 5, "d": 100}


def test_a_total_minus_the_other_cells_would_reveal_the_one_withheld():
    t = SuppressedTable()
    for key, n in {"total": 40, "Leeds": 3, "York": 12, "Hull": 25}.items():
        t.add(key, n)
    t.relate("total", "Leeds", "York", "Hull")
    # York is the smallest cell left: withholding it leaves 40 - 25 = 15 for two cells.
    assert t.withheld() == {"Leeds", "York"}


def test_two_withheld_cells_already_protect_each_other():
    t = SuppressedTable()
    for key, n in {"total": 30, "a": 2, "b": 3, "c": 25}.items():
        t.add(key, n)
    t.relate("total", "a", "b", "c")
    assert t.withheld() == {"a", "b"}


def test_withholding_spreads_through_shared_cells():
    """Active(q) = active(q-1) + formed(q) - ended(q): a withheld ending reaches the quarter."""
    t = SuppressedTable()
    values = {"active0": 20, "active1": 21, "formed1": 4, "ended1": 3, "ended_a": 3, "ended_b": 0}
    for key, n in values.items():
        t.add(key, n)
    t.relate("active1", "active0", "formed1", "ended1")
    t.relate("ended1", "ended_a", "ended_b")
    assert t.withheld() == {"formed1", "ended1", "ended_a", "ended_b"}


def test_a_withheld_total_withholds_a_part():
    t = SuppressedTable()
    for key, n in {"total": 4, "a": 0, "b": 4}.items():
        t.add(key, n)
    t.relate("total", "a", "b")
    assert t.withheld() == {"total", "a", "b"}


def test_bad_input_is_refused():
    t = SuppressedTable()
    with pytest.raises(ValueError, match="negative"):
        t.add("a", -1)
    t.add("a", 3)
    with pytest.raises(KeyError, match="relate"):
        t.relate("a", "missing")


def _recoverable(values, relations, hidden):
    """Cells a reader can work out exactly: the only withheld cell of a relation."""
    found = set()
    for relation in relations:
        withheld = [k for k in relation if k in hidden]
        if len(withheld) == 1:
            found.add(withheld[0])
    return found


@settings(max_examples=200, deadline=None)
@given(parts=st.lists(st.lists(st.integers(0, 30), min_size=1, max_size=6), min_size=1, max_size=5))
def test_no_relation_ever_gives_a_withheld_cell_back(parts):
    """Rows of parts with their row totals and a grand total (a two-way table's margins)."""
    t = SuppressedTable()
    relations = []
    for r, row in enumerate(parts):
        for c, n in enumerate(row):
            t.add((r, c), n)
        t.add(("row", r), sum(row))
        relations.append((("row", r), *((r, c) for c in range(len(row)))))
    t.add("all", sum(map(sum, parts)))
    relations.append(("all", *(("row", r) for r in range(len(parts)))))
    for relation in relations:
        t.relate(*relation)
    hidden = t.withheld()
    assert {k for k, v in t.values.items() if v < 5} <= hidden
    assert _recoverable(t.values, relations, hidden) == set()
    # Nothing is withheld where no cell is small.
    if all(v >= 5 for v in t.values.values()):
        assert hidden == set()
