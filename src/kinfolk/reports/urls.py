"""A programme's outcome report: the page, its printable form and its CSV file."""

from django.urls import path

from kinfolk.reports import views

app_name = "reports"
urlpatterns = [
    path("<int:programme_id>/outcomes/", views.report, name="report"),
    path("<int:programme_id>/outcomes/print/", views.report_print, name="report_print"),
    path("<int:programme_id>/outcomes.csv", views.report_csv, name="report_csv"),
]
