"""A small HTTP server on 127.0.0.1 for tests that need a real peer (Langfuse, an LLM provider)."""

from __future__ import annotations

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class JsonHandler(BaseHTTPRequestHandler):
    """Quiet request handler with a JSON reply helper."""

    def log_message(self, *args: Any) -> None:
        return None

    def reply(self, payload: Any) -> None:
        raw = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)


class QuietServer(ThreadingHTTPServer):
    """A loopback HTTP server that drops a client's broken connection silently.

    The default prints the traceback to stderr, where a test that checks a command's stderr for one
    clear line would see it (a client that gives up mid-response, e.g. at exit, is normal here).
    """

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Ignore a client that went away; report anything else as the base class does."""
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


class LoopbackServer:
    """Serves ``handler`` on a free loopback port while the ``with`` block runs."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]):
        self.server = QuietServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> Any:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
