"""The budget app's pages, under a programme."""

from django.urls import URLPattern

app_name = "budget"
urlpatterns: list[URLPattern] = []

# --- expense claims (kinfolk.budget.claims_views) ------------------------------------------
from django.urls import path  # noqa: E402

from kinfolk.budget import claims_views  # noqa: E402
from kinfolk.pairings import urls as _pairing_urls  # noqa: E402, F401  (the side converter)

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
