"""The site administrator's privacy settings of a programme, under /site/<programme>/."""

from django.urls import path

from kinfolk.privacy import views

app_name = "privacy_admin"
urlpatterns = [
    path("<int:programme_id>/retention/", views.retention, name="retention"),
]
