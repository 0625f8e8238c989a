"""gunicorn's logger with one JSON object per access line, in the app's log format (config/logs.py), so that a log
collector reads gunicorn's lines and the app's the same way and joins them on `request_id`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from gunicorn import glogging

from config.logs import JsonFormatter


class JsonAccessLogger(glogging.Logger):
    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for handler in self.access_log.handlers:
            handler.setFormatter(JsonFormatter())

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: dt.timedelta) -> None:
        if not self.access_log_enabled:
            return
        atoms = self.atoms(resp, req, environ, request_time)
        status = int(str(atoms["s"]))
        self.access_log.info(
            "%s %s %s",
            atoms["m"],
            environ.get("RAW_URI", atoms["U"]),
            status,
            extra={
                "remote_addr": atoms["h"],
                "method": atoms["m"],
                "path": environ.get("RAW_URI", atoms["U"]),
                "protocol": atoms["H"],
                "status": status,
                "bytes": atoms["B"],
                "duration_ms": round(request_time.total_seconds() * 1000, 3),
                "user_agent": environ.get("HTTP_USER_AGENT"),
                "referer": environ.get("HTTP_REFERER"),
                # The id the app answered with (config/request_ids.py): the caller's own or a new one.
                "request_id": atoms.get("{x-request-id}o"),
            },
        )
