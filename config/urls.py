"""URL routes: the API and the admin (/healthz and /readyz are answered by config.health.HealthCheckMiddleware)."""

from django.contrib import admin
from django.urls import path, re_path

from config.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    # Every route twice: /api/v1/... is the versioned contract (docs/api-versions.md), /api/... the same routes for
    # the web app. One include, so both prefixes reach the very same views; reverse() gives the /api/ form.
    re_path(r"^api/(?:v1/)?", api.urls),
]
