from django.urls import path

from kinfolk.outbox import views

app_name = "outbox"
urlpatterns = [path("<int:message_id>/retry/", views.retry, name="retry")]
