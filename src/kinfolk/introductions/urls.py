from django.urls import path

from kinfolk.introductions import views

app_name = "introductions"
urlpatterns = [
    path(
        f"me/{kind}/<int:person_id>/about/",
        views.introduction_edit,
        {"kind": kind},
        name=f"{kind}_introduction",
    )
    for kind in ("volunteer", "household")
]
