"""WSGI entry point for gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minNow.settings")
application = get_wsgi_application()

from minNow.startup import log_mode  # noqa: E402  (needs the settings configured above)

log_mode()
