from django.urls import path

from kinfolk.casework import views, views_behalf

app_name = "casework"
_p = "p/<int:programme_id>"
urlpatterns = [
    path(f"{_p}/todo/", views.todo, name="todo"),
    path(f"{_p}/check-ins/", views.check_ins, name="check_ins"),
    path(f"{_p}/concerns/", views.concern_list, name="concerns"),
    path(f"{_p}/concerns/<int:concern_id>/", views.concern_detail, name="concern_detail"),
    path(f"{_p}/pairings/<int:pairing_id>/story/", views.pairing_story_page, name="pairing_story"),
    path(f"{_p}/pairings/<int:pairing_id>/note/", views.pairing_note, name="pairing_note"),
    path(f"{_p}/pairings/<int:pairing_id>/check-in/", views.check_in_record, name="check_in"),
    path(f"{_p}/volunteers/<int:volunteer_id>/note/", views.volunteer_note, name="volunteer_note"),
    path(f"{_p}/households/<int:household_id>/note/", views.household_note, name="household_note"),
    path(
        f"{_p}/volunteers/<int:volunteer_id>/behalf/",
        views_behalf.volunteer_behalf,
        name="volunteer_behalf",
    ),
    path(
        f"{_p}/households/<int:household_id>/behalf/",
        views_behalf.household_behalf,
        name="household_behalf",
    ),
    path(
        f"{_p}/volunteers/<int:volunteer_id>/behalf/profile/",
        views_behalf.volunteer_profile,
        name="volunteer_profile",
    ),
    path(
        f"{_p}/households/<int:household_id>/behalf/profile/",
        views_behalf.household_profile,
        name="household_profile",
    ),
    path(
        "me/volunteer/<int:person_id>/visits/<int:visit_id>/concern/",
        views.volunteer_concern,
        name="volunteer_concern",
    ),
]
