from django.urls import path

from kinfolk.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("language/", views.language, name="language"),
    # Django's own reset views; the two fixed paths come before the link's pattern.
    path("password/change/", views.password_change, name="password_change"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path("password/reset/sent/", views.password_reset_done, name="password_reset_done"),
    path("password/done/", views.password_reset_complete, name="password_reset_complete"),
    path("password/<uidb64>/<token>/", views.password_set, name="password_set"),
    path("two-factor/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("two-factor/enrol/<token:token>/", views.two_factor_enrol, name="two_factor_enrol"),
]
