"""A fake SS 12000 server on 127.0.0.1 (http.server in a thread) for the import tests."""

from __future__ import annotations

import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

_PATHS = {"/persons": "persons", "/calendarEvents": "calendarEvents", "/attendances": "attendances"}


class FakeSS12000Server:
    """Serves ``data`` (``persons``, ``calendarEvents``, ``attendances``) in pages.

    ``pageToken`` is the offset of the next page; a request's ``limit`` is honoured up to
    ``page_size``. Requests without ``Authorization: Bearer <token>`` get 401. ``requests``
    records every path and query served.
    """

    def __init__(
        self,
        data: dict[str, list[dict[str, Any]]],
        *,
        token: str = "test-token",
        page_size: int = 2,
    ) -> None:
        self.data = data
        self.token = token
        self.page_size = page_size
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urllib.parse.urlsplit(self.path)
                server.requests.append(self.path)
                if self.headers.get("Authorization") != f"Bearer {server.token}":
                    self._send(401, {"code": "unauthorized", "message": "no token"})
                    return
                key = _PATHS.get(url.path.rstrip("/").removeprefix("/v2"))
                if key is None:
                    self._send(404, {"code": "not_found", "message": url.path})
                    return
                query = urllib.parse.parse_qs(url.query)
                offset = int(query.get("pageToken", ["0"])[0])
                limit = min(int(query.get("limit", [server.page_size])[0]), server.page_size)
                items = server.data.get(key, [])
                body: dict[str, Any] = {"data": items[offset : offset + limit]}
                if offset + limit < len(items):
                    body["pageToken"] = str(offset + limit)
                self._send(200, body)

            def _send(self, status: int, body: dict[str, Any]) -> None:
                payload = json.dumps(body).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> FakeSS12000Server:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)
