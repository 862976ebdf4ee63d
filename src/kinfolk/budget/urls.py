"""The budget app's pages, under a programme."""

from django.urls import URLPattern, path

from kinfolk.budget import claims_views, views
from kinfolk.pairings import urls as _pairing_urls  # noqa: F401  (registers the side converter)

app_name = "budget"
urlpatterns: list[URLPattern] = []

# Rates, budgets, the forecast and what-if (docs/budget.md).
urlpatterns += [
    path("<int:programme_id>/budget/", views.dashboard, name="dashboard"),
    path("<int:programme_id>/budget/rates/", views.rates, name="rates"),
    path("<int:programme_id>/budget/forecast/", views.forecast, name="forecast"),
    path(
        "<int:programme_id>/budget/forecast/download/",
        views.forecast_download,
        name="forecast_download",
    ),
    path("<int:programme_id>/budget/what-if/", views.what_if, name="what_if"),
]

# --- expense claims (kinfolk.budget.claims_views) ------------------------------------------

_my_claims = "me/<side:kind>/<int:person_id>/claims"
_claims = "<int:programme_id>/claims"
urlpatterns += [
    path(f"{_my_claims}/", claims_views.my_claims, name="my_claims"),
    path(
        "me/<side:kind>/<int:person_id>/visits/<int:visit_id>/claim/",
        claims_views.claim_new,
        name="claim_new",
    ),
    path(f"{_my_claims}/<int:claim_id>/", claims_views.my_claim, name="my_claim"),
    path(
        f"{_my_claims}/<int:claim_id>/receipt/",
        claims_views.my_claim_receipt,
        name="my_claim_receipt",
    ),
    path(f"{_claims}/", claims_views.claims, name="claims"),
    path(f"{_claims}/<int:claim_id>/", claims_views.claim_detail, name="claim_detail"),
    path(f"{_claims}/<int:claim_id>/receipt/", claims_views.claim_receipt, name="claim_receipt"),
    path(f"{_claims}/payment/", claims_views.claims_payment, name="claims_payment"),
    path(
        f"{_claims}/payment.csv",
        claims_views.claims_export,
        {"fmt": "csv"},
        name="claims_export_csv",
    ),
    path(
        f"{_claims}/payment.xlsx",
        claims_views.claims_export,
        {"fmt": "xlsx"},
        name="claims_export_xlsx",
    ),
    path(f"{_claims}/settings/", claims_views.claim_settings, name="claim_settings"),
]
