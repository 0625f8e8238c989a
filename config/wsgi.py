"""WSGI entry point for gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

from config.startup import log_mode, preload_route_sdks  # noqa: E402  (needs the settings configured above)

log_mode()
preload_route_sdks()
