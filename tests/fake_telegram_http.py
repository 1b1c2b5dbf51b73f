"""HTTP plumbing for the fake Bot API: a threaded server and request decoding.

Requests are decoded the way the Bot API accepts them, because python-telegram-bot 22.8
(``HTTPXRequest.do_request``) sends ``data=RequestData.json_parameters``: every value is a string,
with lists/objects (reply_markup, commands, options, allowed_updates...) JSON-encoded, as
``application/x-www-form-urlencoded`` or, when files are attached, ``multipart/form-data``.
A JSON body and query-string parameters are accepted too, as Telegram does.
"""

from __future__ import annotations

import contextlib
import email.parser
import email.policy
import json
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

# Parameters whose string value is JSON; decoded for the call log so tests read real objects.
JSON_FIELDS = frozenset(
    "reply_markup entities caption_entities commands scope options allowed_updates "
    "reply_parameters link_preview_options correct_option_ids explanation_entities "
    "question_entities description_entities media".split()
)


class ApiError(Exception):
    """A Bot API failure; ``description`` is exactly what Telegram would put in the reply."""

    def __init__(self, status: int, description: str, parameters: dict | None = None) -> None:
        super().__init__(description)
        self.status, self.description, self.parameters = status, description, parameters

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request."""

    filename: str | None
    content_type: str | None
    data: bytes


class Params:
    """Typed access to one request's parameters, coercing strings like the Bot API does."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw

    def has(self, name: str) -> bool:
        return self.raw.get(name) not in (None, "")

    def get_str(self, name: str, default: str | None = None) -> str | None:
        value = self.raw.get(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, str | int | float):
            return str(value)
        raise bad_request(f'field "{name}" must be of type String')

    def get_int(self, name: str, default: int | None = None) -> int | None:
        value = self.raw.get(name)
        if value in (None, ""):
            return default
        try:
            return int(value) if not isinstance(value, float) else int(value)
        except (TypeError, ValueError):
            raise bad_request(f'field "{name}" must be of type Integer') from None

    def get_float(self, name: str, default: float | None = None) -> float | None:
        value = self.raw.get(name)
        if value in (None, ""):
            return default
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f'field "{name}" must be of type Number') from None

    def get_bool(self, name: str, default: bool = False) -> bool:
        value = self.raw.get(name)
        if value in (None, ""):
            return default
        return value is True or str(value).lower() in ("true", "1")

    def get_json(self, name: str, default: Any = None) -> Any:
        value = self.raw.get(name)
        if value in (None, ""):
            return default
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {name} JSON object") from None

    def decoded(self) -> dict[str, Any]:
        """All parameters with JSON fields decoded (best effort), for the call log."""
        result = {}
        for key, value in self.raw.items():
            if key in JSON_FIELDS and isinstance(value, str):
                with contextlib.suppress(ValueError):
                    value = json.loads(value)
            result[key] = value
        return result


def parse_body(content_type: str, body: bytes, query: str) -> dict[str, Any]:
    """Merge query-string and body parameters; raise ApiError(400) on undecodable bodies."""
    params: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    kind = content_type.split(";")[0].strip().lower()
    try:
        if kind == "application/json":
            decoded = json.loads(body or b"{}")
            if not isinstance(decoded, dict):
                raise ValueError("not an object")
            params.update(decoded)
        elif kind == "multipart/form-data":
            params.update(_parse_multipart(content_type, body))
        elif body:
            params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    except (ValueError, UnicodeDecodeError) as exc:
        raise bad_request(f"can't parse request body: {exc}") from None
    return params


def _parse_multipart(content_type: str, body: bytes) -> dict[str, Any]:
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    if not message.is_multipart():
        raise ValueError("multipart body without parts")
    result: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename is None:
            result[str(name)] = data.decode("utf-8")
        else:
            result[str(name)] = UploadedFile(filename, part.get_content_type(), data)
    return result


# (verb, path, headers, body) -> (status, content type, payload)
App = Callable[[str, str, Any, bytes], tuple[int, str, bytes]]


class FakeHTTPServer(ThreadingHTTPServer):
    """Joins its handler threads on close and can cut open keep-alive connections.

    Without the cut, ``server_close()`` would wait for idle keep-alive sockets that the bot's
    httpx pool keeps open, so stopping the fake would hang or leak threads.
    """

    daemon_threads = False
    block_on_close = True

    def __init__(self, address: tuple[str, int], app: App) -> None:
        self.app = app
        self._closing = False
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def track(self, conn: socket.socket, add: bool) -> None:
        with self._connections_lock:
            (self._connections.add if add else self._connections.discard)(conn)
            if add and self._closing:  # accepted just before shutdown: cut it too
                _cut(conn)

    def close_connections(self) -> None:
        with self._connections_lock:
            self._closing = True
            for conn in self._connections:
                _cut(conn)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients vanishing mid-request (a cancelled long poll) are normal here."""


def _cut(conn: socket.socket) -> None:
    with contextlib.suppress(OSError):
        conn.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: FakeHTTPServer

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.track(self.connection, add=False)

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        self._serve()

    def do_POST(self) -> None:  # noqa: N802
        self._serve()

    def _serve(self) -> None:
        body = self._read_body()
        app = self.server.app
        status, content_type, payload = app(self.command, self.path, self.headers, body)
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except OSError:
            self.close_connection = True

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            self.rfile.readline()
            return b"".join(chunks)
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Silence per-request logging; the fake keeps its own call log."""
