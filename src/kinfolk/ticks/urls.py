from django.urls import path

from kinfolk.ticks import views

app_name = "health"
urlpatterns = [path("", views.health, name="health")]
