"""The Kinfolk engine: pure numerical pairing, scheduling and budgeting (no Django)."""

from kinfolk.engine.assign import Lock, MatchResult, PairError, Summary, match
from kinfolk.engine.candidates import REASONS, CandidateGraph
from kinfolk.engine.costs import Weights
from kinfolk.engine.explain import Explanation, explain
from kinfolk.engine.population import COLUMNS, Population, RowError, read_csv, write_csv
from kinfolk.engine.schedule import (
    HOST_HOUSEHOLD,
    HOST_PUBLIC,
    HOST_VOLUNTEER,
    HOSTS,
    Pairings,
    WindowPlan,
    holiday_days,
    pause_cancel,
    plan_windows,
    roll_forward,
)
from kinfolk.engine.synth import SyntheticProgramme, generate

__all__ = [
    "COLUMNS",
    "HOSTS",
    "HOST_HOUSEHOLD",
    "HOST_PUBLIC",
    "HOST_VOLUNTEER",
    "Pairings",
    "WindowPlan",
    "holiday_days",
    "pause_cancel",
    "plan_windows",
    "roll_forward",
    "REASONS",
    "CandidateGraph",
    "Explanation",
    "Lock",
    "MatchResult",
    "PairError",
    "Population",
    "RowError",
    "Summary",
    "SyntheticProgramme",
    "Weights",
    "explain",
    "generate",
    "match",
    "read_csv",
    "write_csv",
]
