"""ASGI entry point, `config.asgi:application`: Django's HTTP application and the live-updates WebSocket at /ws/
(config/live.py). In production gunicorn's sync workers serve HTTP (config/wsgi.py) and an ASGI server such as
uvicorn serves /ws/; locally one uvicorn process serves both (`make run`)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
http_application = get_asgi_application()  # sets Django up before the consumers' imports below

from channels.routing import ProtocolTypeRouter, URLRouter  # type: ignore[import-untyped]  # noqa: E402
from django.urls import path, re_path  # noqa: E402

from config.live import LiveConsumer, RefusingConsumer  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": http_application,
        "websocket": URLRouter([path("ws/", LiveConsumer.as_asgi()), re_path(r"", RefusingConsumer.as_asgi())]),
    }
)
