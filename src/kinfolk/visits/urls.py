from django.urls import path

from kinfolk.pairings import urls as _pairing_urls  # noqa: F401  (registers the side converter)
from kinfolk.visits import views

app_name = "visits"
_me = "me/<side:kind>/<int:person_id>/visits"
_visit = f"{_me}/<int:visit_id>"
_programme = "p/<int:programme_id>/visits"
urlpatterns = [
    path(f"{_me}/", views.visit_list, name="visit_list"),
    path(f"{_me}/calendar/", views.calendar_feed, name="calendar_feed"),
    path(f"{_me}/reminders/", views.reminder_channels, name="reminder_channels"),
    path(f"{_visit}/", views.visit_detail, name="visit_detail"),
    path(f"{_visit}/propose/", views.time_propose, name="time_propose"),
    path(f"{_visit}/times/<int:time_id>/accept/", views.time_accept, name="time_accept"),
    path(f"{_visit}/times/<int:time_id>/decline/", views.time_decline, name="time_decline"),
    path(f"{_visit}/outcome/", views.outcome_record, name="outcome_record"),
    path(f"{_visit}/feedback/", views.feedback_leave, name="feedback_leave"),
    path(f"{_visit}/visit.ics", views.visit_ics, name="visit_ics"),
    path("visits/feed/<token:token>.ics", views.feed, name="feed"),
    path(f"{_programme}/", views.programme_dashboard, name="programme_dashboard"),
    path(f"{_programme}/check-in/", views.programme_check_in, name="programme_check_in"),
]
