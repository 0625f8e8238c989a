"""Gunicorn settings. Workers come from WEB_CONCURRENCY and the port from PORT (gunicorn reads both)."""

wsgi_app = "minNow.wsgi:application"
preload_app = True  # import Django once in the master; workers fork with it loaded
timeout = 30  # a worker silent this long is restarted
graceful_timeout = 30
keepalive = 5  # seconds; the proxy in front reuses connections
max_requests = 5000  # recycle workers now and then
max_requests_jitter = 500
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
# gunicorn's control socket lives at one fixed path per user: two instances on a host would collide.
control_socket_disable = True
