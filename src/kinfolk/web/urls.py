from django.urls import include, path

from kinfolk.accounts import views as account_views

urlpatterns = [
    path("", account_views.home, name="home"),
    path("accounts/", include("kinfolk.accounts.urls")),
    path("site/", include("kinfolk.programmes.admin_urls")),
    path("p/", include("kinfolk.programmes.urls")),
    path("p/", include("kinfolk.pairings.urls_coordinator")),
    path("", include("kinfolk.people.urls")),
    path("", include("kinfolk.pairings.urls")),
    path("", include("kinfolk.visits.urls")),
    path("privacy/", include("kinfolk.privacy.urls")),
]
