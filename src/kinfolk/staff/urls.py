from django.urls import path

from kinfolk.staff import views

app_name = "staff"
urlpatterns = [
    path("<int:programme_id>/figures/", views.figures, name="figures"),
]
