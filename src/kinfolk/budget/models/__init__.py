"""The budget app's tables: one module per subject, re-exported here for Django."""

from kinfolk.budget.models.claims import ClaimSettings, ExpenseClaim, TravelMode
from kinfolk.budget.models.rates import AnnualBudget, RateCard

__all__ = ["AnnualBudget", "ClaimSettings", "ExpenseClaim", "RateCard", "TravelMode"]
