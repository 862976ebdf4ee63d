from django.urls import path

from kinfolk.imports import views

app_name = "imports"
urlpatterns = [
    path("<int:programme_id>/imports/", views.imports, name="imports"),
    path("<int:programme_id>/imports/postcodes/", views.postcodes, name="postcodes"),
    path("<int:programme_id>/imports/<int:people_import_id>/", views.detail, name="detail"),
    path(
        "<int:programme_id>/imports/<int:people_import_id>/progress/",
        views.progress,
        name="progress",
    ),
    path("<int:programme_id>/imports/<int:people_import_id>/commit/", views.commit, name="commit"),
    path("<int:programme_id>/imports/<int:people_import_id>/invite/", views.invite, name="invite"),
    path(
        "<int:programme_id>/imports/<int:people_import_id>/problems.csv",
        views.problems,
        name="problems",
    ),
    path(
        "<int:programme_id>/imports/<int:people_import_id>/regions.csv",
        views.placements,
        name="placements",
    ),
    path(
        "<int:programme_id>/imports/volunteers/<int:volunteer_id>/consent/",
        views.volunteer_consent,
        name="volunteer_consent",
    ),
    path(
        "<int:programme_id>/imports/households/<int:household_id>/consent/",
        views.household_consent,
        name="household_consent",
    ),
]
