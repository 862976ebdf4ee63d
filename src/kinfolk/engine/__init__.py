"""The Kinfolk engine: pure numerical pairing, scheduling and budgeting (no Django)."""

from kinfolk.engine.assign import Lock, MatchResult, PairError, Summary, match
from kinfolk.engine.candidates import REASONS, CandidateGraph
from kinfolk.engine.costs import Weights
from kinfolk.engine.explain import Explanation, explain
from kinfolk.engine.population import COLUMNS, Population, RowError, read_csv, write_csv
from kinfolk.engine.synth import SyntheticProgramme, generate

__all__ = [
    "COLUMNS",
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
