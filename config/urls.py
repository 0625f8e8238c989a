"""URL routes: the API, the admin and the health and readiness checks."""

from django.contrib import admin
from django.urls import path

from config.api import api
from config.health import healthz, readyz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
]
