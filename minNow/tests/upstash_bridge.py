"""A loopback server speaking the Upstash Redis REST protocol, forwarding to a real Redis.

Tests only. Single commands (`POST /`), `/pipeline` and `/multi-exec`, bearer token, and the base64
result encoding the SDK asks for. Plain redis-server refuses the `#!lua flags=...` first line of
upstash-ratelimit's scripts, so the bridge strips it before EVAL.
"""

from __future__ import annotations

import base64
import time
from typing import Any

import redis

from config.testing import TEST_REDIS_URL
from config.tests.servers import LoopbackServer, Recorded, Reply

SCRIPT_COMMANDS = {"EVAL", "EVAL_RO"}


def _strip_shebang(script: Any) -> Any:
    if isinstance(script, str) and script.startswith("#!lua"):
        return script.split("\n", 1)[1] if "\n" in script else ""
    return script


def _encode(value: Any, base64_strings: bool) -> Any:
    if value == b"OK":  # simple-string status replies are sent as they are
        return "OK"
    if isinstance(value, bytes):
        if base64_strings:
            return base64.b64encode(value).decode()
        return value.decode()
    if isinstance(value, (list, tuple)):
        return [_encode(item, base64_strings) for item in value]
    return value


class UpstashBridge(LoopbackServer):
    """`mode`: "ok" forwards to Redis, "error" answers 500 errors, "hang" stalls each request."""

    def __init__(self, token: str = "test-upstash-token", redis_url: str = TEST_REDIS_URL) -> None:
        self.token = token
        self.mode = "ok"
        self.hang_seconds = 5.0
        self.redis = redis.Redis.from_url(redis_url)
        self.redis.response_callbacks.clear()  # raw replies, as Upstash sends them
        super().__init__(self._handle)

    def _run(self, command: list[Any]) -> Any:
        name = str(command[0]).upper()
        args = list(command[1:])
        if name in SCRIPT_COMMANDS and args:
            args[0] = _strip_shebang(args[0])
        if name == "SCRIPT" and len(args) >= 2 and str(args[0]).upper() == "LOAD":
            args[1] = _strip_shebang(args[1])
        return self.redis.execute_command(name, *args)

    def _answer(self, command: list[Any], base64_strings: bool) -> dict[str, Any]:
        try:
            return {"result": _encode(self._run(command), base64_strings)}
        except redis.RedisError as exc:
            return {"error": str(exc)}

    def _handle(self, request: Recorded) -> Reply:
        if self.mode == "hang":
            time.sleep(self.hang_seconds)
        if self.mode == "error":
            return Reply(500, {"error": "ERR service unavailable"})
        headers = {name.lower(): value for name, value in request.headers.items()}
        if headers.get("authorization") != f"Bearer {self.token}":
            return Reply(401, {"error": "Unauthorized"})
        base64_strings = headers.get("upstash-encoding") == "base64"
        body = request.json()
        if request.path.rstrip("/") == "/pipeline":
            return Reply(200, [self._answer(command, base64_strings) for command in body])
        if request.path.rstrip("/") == "/multi-exec":
            pipeline = self.redis.pipeline(transaction=True)
            for command in body:
                pipeline.execute_command(*command)
            try:
                results = pipeline.execute(raise_on_error=False)
            except redis.RedisError as exc:
                return Reply(400, {"error": str(exc)})
            return Reply(200, [{"result": _encode(result, base64_strings)} for result in results])
        answer = self._answer(body, base64_strings)
        return Reply(400 if "error" in answer else 200, answer)
