from django.urls import path

from kinfolk.programmes import views

app_name = "programmes"
urlpatterns = [
    path("<int:programme_id>/", views.overview, name="overview"),
    path("<int:programme_id>/volunteers/", views.volunteers, name="volunteers"),
    path(
        "<int:programme_id>/volunteers/choices/",
        views.volunteer_choices,
        name="volunteer_choices",
    ),
    path(
        "<int:programme_id>/households/choices/",
        views.household_choices,
        name="household_choices",
    ),
    path(
        "<int:programme_id>/volunteers/<int:volunteer_id>/",
        views.volunteer_detail,
        name="volunteer_detail",
    ),
    path(
        "<int:programme_id>/volunteers/<int:volunteer_id>/approve/",
        views.volunteer_approve,
        name="volunteer_approve",
    ),
    path(
        "<int:programme_id>/volunteers/<int:volunteer_id>/password-link/",
        views.volunteer_password_link,
        name="volunteer_password_link",
    ),
    path(
        "<int:programme_id>/volunteers/<int:volunteer_id>/withdraw/",
        views.volunteer_withdraw,
        name="volunteer_withdraw",
    ),
    path("<int:programme_id>/households/", views.households, name="households"),
    path(
        "<int:programme_id>/households/<int:household_id>/password-link/",
        views.household_password_link,
        name="household_password_link",
    ),
    path(
        "<int:programme_id>/households/<int:household_id>/",
        views.household_detail,
        name="household_detail",
    ),
    path(
        "<int:programme_id>/households/<int:household_id>/withdraw/",
        views.household_withdraw,
        name="household_withdraw",
    ),
    path("<int:programme_id>/invite/", views.invitations, name="invitations"),
    path(
        "<int:programme_id>/invite/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("<int:programme_id>/paper-consent/", views.paper_consent, name="paper_consent"),
    path("<int:programme_id>/organisations/", views.organisations, name="organisations"),
]
