from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from kinfolk.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path(
        "password/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_set.html",
            success_url=reverse_lazy("accounts:login"),
            post_reset_login=False,
        ),
        name="password_set",
    ),
    path("two-factor/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("two-factor/enrol/<token:token>/", views.two_factor_enrol, name="two_factor_enrol"),
]
