"""The budget app's pages, under a programme."""

from django.urls import URLPattern, path

from kinfolk.budget import views

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
