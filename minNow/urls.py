"""URL routes: the API, the admin and the health check."""

from django.contrib import admin
from django.urls import path

from minNow.api import api
from minNow.health import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("healthz", healthz, name="healthz"),
]
