"""A programme's outcome report: the page, its printable form, its CSV file and its progress."""

from django.urls import path

from kinfolk.reports import views

app_name = "reports"
urlpatterns = [
    path("<int:programme_id>/outcomes/", views.report, name="report"),
    path("<int:programme_id>/outcomes/print/", views.report_print, name="report_print"),
    path("<int:programme_id>/outcomes.csv", views.report_csv, name="report_csv"),
    path("<int:programme_id>/outcomes/progress/", views.report_progress, name="report_progress"),
]
