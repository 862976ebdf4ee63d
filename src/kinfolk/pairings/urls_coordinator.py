"""Coordinators' matching and pairings pages, mounted under ``/p/``."""

from django.urls import path

from kinfolk.pairings import views_coordinator as views
from kinfolk.pairings import views_pairings

app_name = "matching"
_run = "<int:programme_id>/matching/<int:run_id>"
urlpatterns = [
    path("<int:programme_id>/matching/", views.runs, name="runs"),
    path(f"{_run}/", views.run_detail, name="run_detail"),
    path(f"{_run}/progress/", views.run_progress, name="run_progress"),
    path(f"{_run}/rule/", views.run_rule, name="run_rule"),
    path(f"{_run}/manual/", views.run_manual, name="run_manual"),
    path(f"{_run}/rerun/", views.run_rerun, name="run_rerun"),
    path(f"{_run}/discard/", views.run_discard, name="run_discard"),
    path(f"{_run}/send/", views.run_send, name="run_send"),
    path(f"{_run}/unreached/", views.run_unreached, name="run_unreached"),
    path("<int:programme_id>/pairings/", views_pairings.pairings, name="pairings"),
    path(
        "<int:programme_id>/pairings/imports/<int:import_id>/problems.csv",
        views_pairings.import_problems,
        name="import_problems",
    ),
    path("<int:programme_id>/reports/", views_pairings.visitor_reports, name="reports"),
    path(
        "<int:programme_id>/forbidden/<int:exclusion_id>/lift/",
        views_pairings.exclusion_lift,
        name="exclusion_lift",
    ),
]
