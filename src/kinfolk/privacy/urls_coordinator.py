"""Coordinators' privacy pages, under /p/<programme>/ like their other pages."""

from django.urls import path

from kinfolk.privacy import views

app_name = "privacy_coordinator"
urlpatterns = [
    path(
        "<int:programme_id>/volunteers/<int:volunteer_id>/erase/",
        views.volunteer_erase,
        name="volunteer_erase",
    ),
    path(
        "<int:programme_id>/households/<int:household_id>/erase/",
        views.household_erase,
        name="household_erase",
    ),
]
