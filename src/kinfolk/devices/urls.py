from django.urls import path

from kinfolk.devices import views

app_name = "devices"
urlpatterns = [
    path("", views.device_list, name="list"),
    path("sign-out/", views.device_sign_out, name="sign_out"),
]
