"""gunicorn's sync worker with its own refusals answered as JSON `{"detail": ...}`, like every API error."""

from __future__ import annotations

import json
from typing import Any

from gunicorn import util
from gunicorn.workers.sync import SyncWorker

# gunicorn's refusals come before it has read a path, so they cannot tell the API from the admin: one JSON
# sentence per status for both. gunicorn's own message can quote the request; it is logged, never echoed.
DETAILS = {
    400: "Bad request: the request line or headers are malformed",
    403: "Forbidden",
    414: "The request line is too long",
    417: "Expectation failed",
    431: "The request header fields are too large or too many",
    500: "Internal server error",
    501: "Not implemented: unsupported transfer coding",
}


class _ErrorRecorder:
    """Takes the place of the client socket while gunicorn writes its HTML error page, to learn its status."""

    def __init__(self) -> None:
        self.sent = b""

    def gettimeout(self) -> float:
        return 0.0

    def setblocking(self, flag: bool) -> None:
        pass

    def sendall(self, data: bytes) -> None:
        self.sent += data


class JsonErrorsSyncWorker(SyncWorker):
    """gunicorn's sync worker; its error answers (limit_request_line 414, limit_request_fields and
    limit_request_field_size 431, a malformed request 400, a crash outside the app's own handling 500) are JSON.

    gunicorn chooses the status, logs and writes the access log line as usual (its `handle_error`); only the
    page it would send is replaced.
    """

    def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
        recorder = _ErrorRecorder()
        super().handle_error(req, recorder, addr, exc)
        status_line = recorder.sent.split(b"\r\n", 1)[0].decode("latin-1")
        _, _, status = status_line.partition(" ")
        code, _, reason = status.partition(" ")
        if not code.isdigit():  # gunicorn sent nothing (or something unexpected): neither do we
            return
        body = json.dumps({"detail": DETAILS.get(int(code), reason)}).encode()
        head = (
            f"HTTP/1.1 {code} {reason}\r\nConnection: close\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        try:
            util.write_nonblock(client, head.encode("latin-1") + body)
        except Exception:
            self.log.debug("Failed to send error message.")
