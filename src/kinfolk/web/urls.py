from django.templatetags.static import static
from django.urls import include, path, register_converter
from django.views.generic import RedirectView

from kinfolk.accounts import views as account_views
from kinfolk.api.endpoints import api
from kinfolk.web.converters import SideConverter, TokenConverter

register_converter(SideConverter, "side")
register_converter(TokenConverter, "token")

urlpatterns = [
    # Browsers ask for /favicon.ico whatever the page says.
    path("favicon.ico", RedirectView.as_view(url=static("kinfolk/favicon.svg"), permanent=True)),
    path("", account_views.home, name="home"),
    path("", include("kinfolk.ops.urls")),
    path("accounts/devices/", include("kinfolk.devices.urls")),
    path("accounts/", include("kinfolk.accounts.urls")),
    path("site/health/", include("kinfolk.ticks.urls")),
    path("site/outbox/", include("kinfolk.outbox.urls")),
    path("site/", include("kinfolk.programmes.admin_urls")),
    path("site/", include("kinfolk.privacy.urls_admin")),
    path("p/", include("kinfolk.programmes.urls")),
    path("p/", include("kinfolk.pairings.urls_coordinator")),
    path("p/", include("kinfolk.privacy.urls_coordinator")),
    path("p/", include("kinfolk.vetting.urls")),
    path("p/", include("kinfolk.staff.urls")),
    path("p/", include("kinfolk.imports.urls")),
    path("p/", include("kinfolk.api.urls")),
    path("p/", include("kinfolk.budget.urls")),
    path("p/", include("kinfolk.reports.urls")),
    path("p/", include("kinfolk.regions.urls")),
    path("api/", api.urls),
    path("", include("kinfolk.people.urls")),
    path("", include("kinfolk.pairings.urls")),
    path("", include("kinfolk.visits.urls")),
    path("", include("kinfolk.introductions.urls")),
    path("privacy/", include("kinfolk.privacy.urls")),
    path("", include("kinfolk.casework.urls")),
]
