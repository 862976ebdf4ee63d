from django.urls import path

from kinfolk.people import views

app_name = "people"


def _participant_pages(kind: str) -> list:
    """The pages volunteers and households share, at /me/<kind>/<id>/…"""
    pages = [
        ("profile/", views.profile_edit, "profile"),
        ("consent/", views.consents, "consents"),
        ("consent/withdraw/", views.consent_withdraw, "consent_withdraw"),
        ("pause/", views.pause, "pause"),
        ("resume/", views.resume, "resume"),
        ("leave/", views.leave, "leave"),
    ]
    return [
        path(f"me/{kind}/<int:person_id>/{suffix}", view, {"kind": kind}, name=f"{kind}_{name}")
        for suffix, view, name in pages
    ]


urlpatterns = [
    path("me/volunteer/<int:volunteer_id>/", views.volunteer_home, name="volunteer_home"),
    path("me/volunteer/<int:volunteer_id>/ready/", views.volunteer_ready, name="volunteer_ready"),
    *_participant_pages("volunteer"),
    path("me/household/<int:household_id>/", views.household_home, name="household_home"),
    path(
        "me/household/<int:household_id>/adults/", views.household_adults, name="household_adults"
    ),
    path(
        "me/household/<int:household_id>/adults/invitations/<int:invitation_id>/cancel/",
        views.household_invitation_cancel,
        name="household_invitation_cancel",
    ),
    path(
        "me/household/<int:household_id>/adults/<int:user_id>/remove/",
        views.household_adult_remove,
        name="household_adult_remove",
    ),
    *_participant_pages("household"),
    path("join/verify/<token:token>/", views.signup_verify, name="signup_verify"),
    path("join/<token:token>/", views.signup, name="signup"),
    path("join/<token:token>/sent/", views.signup_sent, name="signup_sent"),
    path("invite/<token:token>/", views.invitation_accept, name="invitation_accept"),
]
