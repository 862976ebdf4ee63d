"""Small-cell suppression: a report never lets a reader single out a person.

Every count below ``THRESHOLD`` is withheld (primary suppression), zero
included, so "fewer than 5" never tells nothing from someone.  Counts that
are tied by arithmetic — a total and its parts, or this quarter's active
pairings as last quarter's plus those formed less those ended — would give a
withheld count back by subtraction if it were the only one withheld in its
relation.  So each relation with exactly one withheld cell has its smallest
shown cell withheld too (complementary suppression), until no relation has
exactly one.  Withholding only grows, so this ends.

Pure Python, no Django: the report's selectors build the table and ask which
cells to show.

>>> t = SuppressedTable()
>>> for key, n in {"all": 40, "Leeds": 3, "York": 12, "Hull": 25}.items():
...     t.add(key, n)
>>> t.relate("all", "Leeds", "York", "Hull")
>>> sorted(t.withheld())
['Leeds', 'York']
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable

#: The smallest number of people a shown figure may count.
THRESHOLD = 5


class SuppressedTable:
    """Counts by key and the relations between them; decides which may be shown."""

    def __init__(self, threshold: int = THRESHOLD) -> None:
        self.threshold = threshold
        self.values: dict[Hashable, int] = {}
        self.relations: list[tuple[Hashable, ...]] = []

    def add(self, key: Hashable, value: int) -> None:
        """A count of people (or of pairings) that the report would show."""
        if value < 0:
            raise ValueError(f"a count cannot be negative: {key!r} = {value}")
        self.values[key] = value

    def relate(self, *keys: Hashable) -> None:
        """Cells tied by a sum with non-zero coefficients: any one follows from the others."""
        unknown = [k for k in keys if k not in self.values]
        if unknown:
            raise KeyError(f"relate() before add(): {unknown!r}")
        if len(keys) > 1:
            self.relations.append(tuple(keys))

    def withheld(self) -> set[Hashable]:
        """The keys to show as "fewer than 5": the small ones, and those that would reveal them."""
        hidden = {k for k, v in self.values.items() if v < self.threshold}
        changed = True
        while changed:
            changed = False
            for relation in self.relations:
                if sum(k in hidden for k in relation) != 1:
                    continue
                shown = [k for k in relation if k not in hidden]
                # The smallest shown cell costs the reader least; ties go to the
                # later cell in the relation, so a total (written first) stays.
                order = {k: i for i, k in enumerate(relation)}
                hidden.add(min(shown, key=lambda k: (self.values[k], -order[k])))
                changed = True
        return hidden

    def shown(self, keys: Iterable[Hashable] | None = None) -> dict[Hashable, int | None]:
        """Each key's count, or None where it is withheld."""
        hidden = self.withheld()
        keys = self.values if keys is None else keys
        return {k: None if k in hidden else self.values[k] for k in keys}
