from django.urls import path

from kinfolk.privacy import views

app_name = "privacy"
urlpatterns = [
    path("", views.my_data, name="my_data"),
]
