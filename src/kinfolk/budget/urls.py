"""The budget app's pages, under a programme."""

from django.urls import URLPattern

app_name = "budget"
urlpatterns: list[URLPattern] = []
