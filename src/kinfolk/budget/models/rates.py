"""What a programme pays per visit, per pairing and per year, and its annual budgets.

Amounts are integers in the programme's currency's minor units (pence,
cents), stored with the currency so that a later change of the programme's
currency cannot silently reprice them.  A rate card takes effect on a date
and is never changed once in effect: past figures keep the rates of their
time, and new rates are a new card.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kinfolk.programmes.models import Programme

#: Fields of a rate card that hold money, in minor units.
MONEY_FIELDS = (
    "car_per_km_minor",
    "public_per_km_minor",
    "walk_per_km_minor",
    "allowance_minor",
    "per_diem_minor",
    "per_pairing_minor",
    "per_year_minor",
)


class RateCard(models.Model):
    """Every rate of one programme, in effect from ``effective_from`` until the next card."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="rate_cards")
    effective_from = models.DateField(_("takes effect on"))
    currency = models.CharField(_("currency"), max_length=3)
    car_per_km_minor = models.PositiveIntegerField(_("by car, per km"), default=0)
    public_per_km_minor = models.PositiveIntegerField(_("by public transport, per km"), default=0)
    walk_per_km_minor = models.PositiveIntegerField(_("on foot or by bicycle, per km"), default=0)
    detour_factor = models.DecimalField(
        _("detour factor"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("1.30"),
        validators=[MinValueValidator(1), MaxValueValidator(3)],
        help_text=_("Road distance over straight-line distance; 1.3 is typical."),
    )
    allowance_minor = models.PositiveIntegerField(_("gift or meal per visit"), default=0)
    per_diem_minor = models.PositiveIntegerField(_("per-diem"), default=0)
    per_diem_from_km = models.PositiveSmallIntegerField(_("per-diem from (km, one way)"), default=0)
    per_pairing_minor = models.PositiveIntegerField(_("per new pairing"), default=0)
    per_year_minor = models.PositiveBigIntegerField(_("fixed costs per year"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "effective_from"], name="rate_card_one_per_day"
            ),
            models.CheckConstraint(
                condition=Q(detour_factor__gte=1) & Q(detour_factor__lte=3),
                name="rate_card_detour_range",
            ),
        ]

    def __str__(self) -> str:
        return f"rates of {self.programme_id} from {self.effective_from}"


class AnnualBudget(models.Model):
    """What a programme may spend in the twelve months from ``starts_on``."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="budgets")
    starts_on = models.DateField(_("budget year starts on"))
    currency = models.CharField(_("currency"), max_length=3)
    amount_minor = models.PositiveBigIntegerField(_("budget"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "starts_on"], name="budget_one_per_year")
        ]

    def __str__(self) -> str:
        return f"budget of {self.programme_id} from {self.starts_on}"
