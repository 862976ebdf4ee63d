from django.urls import path

from kinfolk.pairings import views

app_name = "pairings"
_me = "me/<side:kind>/<int:person_id>"
urlpatterns = [
    path(f"{_me}/proposal/<int:proposal_id>/", views.proposal_detail, name="proposal_detail"),
    path(
        f"{_me}/proposal/<int:proposal_id>/answer/", views.proposal_answer, name="proposal_answer"
    ),
    path(f"{_me}/pairing/<int:pairing_id>/", views.pairing_detail, name="pairing_detail"),
    path(f"{_me}/pairing/<int:pairing_id>/end/", views.pairing_end, name="pairing_end"),
    # Only a household reports its visitor.
    path(
        "me/household/<int:person_id>/pairing/<int:pairing_id>/report/",
        views.visitor_report,
        name="visitor_report",
    ),
]
