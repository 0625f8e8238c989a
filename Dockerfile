# The API as a container: gunicorn (gunicorn.conf.py) on port 8000, for compose.yaml or any container platform.
# Migrations are not run here: they are their own step (compose.yaml's `migrate`), so that several app
# containers starting at once never race to migrate, and a failed migration stops the rollout before any app starts.

# --- Build: dependencies, translation catalogs and static files ------------------------------------------------------
FROM python:3.11-slim AS builder
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PATH=/opt/venv/bin:$PATH
# msgfmt (GNU gettext) compiles the catalogs; only this stage has it, the app reads the compiled .mo files.
# hadolint ignore=DL3008
RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/*
# The packages go into a virtualenv so that the final stage copies exactly them and nothing else of this stage.
COPY requirements.txt /tmp/requirements.txt
RUN python -m venv /opt/venv && pip install --no-cache-dir -r /tmp/requirements.txt
WORKDIR /app
COPY . .
# collectstatic loads the settings, and PROD=True (the manifest storage that production serves from) refuses to load
# without a SECRET_KEY: a throwaway one, for this command only; it is never stored in the image.
RUN python manage.py compilemessages -v 0 \
    && PROD=True SECRET_KEY=build-only-not-a-secret python manage.py collectstatic --noinput -v 0

# --- Run ---------------------------------------------------------------------------------------------------------------
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PATH=/opt/venv/bin:$PATH
# A fixed numeric id: platforms that require a non-root user (runAsNonRoot) can check it without /etc/passwd.
RUN groupadd --system --gid 10001 minnow && useradd --system --uid 10001 --gid 10001 --no-create-home minnow
COPY --from=builder /opt/venv /opt/venv
# Owned by root: the app user can read its code and static files but not change them.
COPY --from=builder /app /app
WORKDIR /app
USER 10001:10001
EXPOSE 8000
# Liveness: /healthz answers 200 when the process and its database do (config/health.py). The image has no curl;
# proxies from the environment are bypassed, the check is for this container only.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request as u; u.build_opener(u.ProxyHandler({})).open('http://127.0.0.1:8000/healthz', timeout=4)"]
# Workers' heartbeat files on tmpfs: on the container's overlay filesystem a slow write can make gunicorn think a
# worker hung and kill it.
CMD ["gunicorn", "--config", "gunicorn.conf.py", "--bind", "0.0.0.0:8000", "--worker-tmp-dir", "/dev/shm"]
