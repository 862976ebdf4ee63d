"""The budget app's tables: one module per subject, re-exported here for Django."""

from kinfolk.budget.models.claims import ClaimSettings, ExpenseClaim, TravelMode

__all__ = ["ClaimSettings", "ExpenseClaim", "TravelMode"]
