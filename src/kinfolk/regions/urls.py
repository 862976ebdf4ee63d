from django.urls import path

from kinfolk.regions import views

app_name = "regions"
urlpatterns = [
    path("<int:programme_id>/regions/", views.regions, name="regions"),
    path("<int:programme_id>/regions/borders/", views.borders, name="borders"),
    path("<int:programme_id>/regions/<int:region_id>/", views.region_edit, name="region_edit"),
    path(
        "<int:programme_id>/regions/<int:region_id>/delete/",
        views.region_delete,
        name="region_delete",
    ),
    path(
        "<int:programme_id>/regions/place/volunteer/<int:volunteer_id>/",
        views.volunteer_place,
        name="volunteer_place",
    ),
    path(
        "<int:programme_id>/regions/place/household/<int:household_id>/",
        views.household_place,
        name="household_place",
    ),
]
