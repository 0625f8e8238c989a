"""Gunicorn settings. Workers come from WEB_CONCURRENCY and the port from PORT (gunicorn reads both).

Sync workers: each request is short CPU work plus a few local queries, so a worker per core is the
throughput ceiling (bench/run.py measures it); the proxy in front buffers slow clients (Caddyfile).
"""

import os

wsgi_app = "config.wsgi:application"
preload_app = True  # import Django once in the master; workers fork with it loaded
# Sync workers whose own refusals (request line over limit_request_line, header fields over limit_request_fields
# or limit_request_field_size, a malformed request) are JSON like every other error (config/gunicorn_workers.py).
worker_class = "config.gunicorn_workers.JsonErrorsSyncWorker"
# A worker silent this long is restarted. Every outside call is bounded so that the slowest request answers before
# it (config/settings.py, "Time budget"; config/tests/test_time_budget.py reads this value).
timeout = 30
graceful_timeout = 30
keepalive = 5  # seconds; the proxy in front reuses connections
# Recycling workers is off unless asked for (GUNICORN_MAX_REQUESTS): the app does not leak, and a fresh
# worker starts with cold connections and caches.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
# An access log line per request costs CPU on every request; it is opt-in (GUNICORN_ACCESS_LOG=true), and a
# proxy in front can log requests instead (Caddy: a `log` directive).
accesslog = "-" if os.environ.get("GUNICORN_ACCESS_LOG", "").lower() in {"1", "true", "yes"} else None
errorlog = "-"
# Access lines are JSON objects with the request's id, like the app's own lines (config/gunicorn_logging.py).
logger_class = "config.gunicorn_logging.JsonAccessLogger"
# gunicorn's control socket lives at one fixed path per user: two instances on a host would collide.
control_socket_disable = True
