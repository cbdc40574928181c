from django.http import JsonResponse
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .exceptions import NOT_FOUND, body
from .routers import router
from .views import tokens

app_name = "api"


def not_found(request, rest=""):
    """Any other /api/ address: the API's own 404 body, not the site's HTML page."""
    return JsonResponse(body(NOT_FOUND), status=404, json_dumps_params={"ensure_ascii": False})


urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI from the portal's own static files (drf-spectacular-sidecar); its start script is a separate
    # file (?script), so the page runs under the site's script-src 'self' with no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("tokens/", tokens.token_list, name="token_list"),
    path("tokens/<int:pk>/revoke/", tokens.token_revoke, name="token_revoke"),
    path("", include(router.urls)),
    re_path(r"^(?P<rest>.*)$", not_found),
]
