from django.urls import path

from kinfolk.api import views
from kinfolk.api.exports import EXPORTS

app_name = "api_pages"
urlpatterns = [
    path("<int:programme_id>/api-tokens/", views.tokens, name="tokens"),
    path(
        "<int:programme_id>/api-tokens/<int:api_token_id>/revoke/",
        views.token_revoke,
        name="token_revoke",
    ),
    path("<int:programme_id>/exports/", views.exports, name="exports"),
    *(
        path(
            f"<int:programme_id>/exports/{name}.{fmt}",
            views.export_download,
            {"export": name, "fmt": fmt},
            name=f"export_{name}_{fmt}",
        )
        for name in EXPORTS
        for fmt in ("csv", "xlsx")
    ),
]
