from django.urls import path

from kinfolk.programmes import admin_views as views

app_name = "programmes_admin"
urlpatterns = [
    path("", views.programme_index, name="list"),
    path("new/", views.programme_create, name="create"),
    path("places/", views.programme_places, name="places"),
    path("<int:programme_id>/", views.programme_detail, name="detail"),
    path("<int:programme_id>/coordinators/", views.coordinator_appoint, name="appoint"),
    path(
        "<int:programme_id>/coordinators/<int:coordinator_id>/password-link/",
        views.coordinator_password_link,
        name="coordinator_password_link",
    ),
    path(
        "<int:programme_id>/coordinators/<int:coordinator_id>/remove/",
        views.coordinator_remove,
        name="coordinator_remove",
    ),
    path(
        "<int:programme_id>/viewers/<int:viewer_id>/remove/",
        views.viewer_remove,
        name="viewer_remove",
    ),
    path("administrators/", views.administrator_index, name="administrators"),
    path(
        "administrators/<int:user_id>/enrolment/",
        views.two_factor_enrolment_issue,
        name="enrolment_issue",
    ),
]
