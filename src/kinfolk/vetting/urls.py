from django.urls import path

from kinfolk.vetting import views

app_name = "vetting"
urlpatterns = [
    path("<int:programme_id>/checks/", views.check_validity, name="check_validity"),
    path(
        "<int:programme_id>/volunteers/<int:volunteer_id>/checks/renew/",
        views.check_renew,
        name="check_renew",
    ),
]
