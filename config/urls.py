"""URL routes: the API, the admin and the health check."""

from django.contrib import admin
from django.urls import path

from config.api import api
from config.health import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("healthz", healthz, name="healthz"),
]
