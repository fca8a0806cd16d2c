"""Serve the built site over HTTP, reloading open pages after each rebuild.

The reload script is added to HTML responses as they are served, so it never
exists in the files a plain `crmgen build` writes.
"""

from __future__ import annotations

import http.server
import logging
import threading
from functools import partial
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

EVENTS_PATH = "/__crmgen/events"
RELOAD_SCRIPT = (
    "<script>(function(){var s=new EventSource('" + EVENTS_PATH + "');"
    "s.onmessage=function(e){if(e.data==='reload'){location.reload();}};})();"
    "</script>"
).encode()
KEEPALIVE = 15.0  # seconds between comments that keep an idle event stream open


class Reloads:
    """A generation counter that event streams wait on."""

    def __init__(self) -> None:
        self.generation = 0
        self.condition = threading.Condition()
        self.closed = False

    def announce(self) -> None:
        """Tell every open page to reload."""
        with self.condition:
            self.generation += 1
            self.condition.notify_all()

    def close(self) -> None:
        """Release every waiting stream (server shutdown)."""
        with self.condition:
            self.closed = True
            self.condition.notify_all()

    def wait(self, seen: int) -> int | None:
        """The next generation after seen, the same on a keep-alive timeout, or
        None once closed."""
        with self.condition:
            self.condition.wait_for(
                lambda: self.generation != seen or self.closed, timeout=KEEPALIVE
            )
            return None if self.closed else self.generation


class Handler(http.server.SimpleHTTPRequestHandler):
    """Files from the site folder, the event stream, and the reload script."""

    reloads: Reloads

    def __init__(self, *args: Any, reloads: Reloads, **kwargs: Any) -> None:
        self.reloads = reloads
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), format % args)

    def do_GET(self) -> None:
        if self.path == EVENTS_PATH:
            self._events()
            return
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            self._html(path)
            return
        super().do_GET()

    def _html(self, path: Path) -> None:
        try:
            body = path.read_bytes()
        except OSError:
            self.send_error(404)
            return
        marker = body.rfind(b"</body>")
        at = marker if marker >= 0 else len(body)
        body = body[:at] + RELOAD_SCRIPT + body[at:]
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _events(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seen = self.reloads.generation
        try:
            self.wfile.write(b": connected\n\n")
            self.wfile.flush()
            while True:
                generation = self.reloads.wait(seen)
                if generation is None:
                    return
                message = b"data: reload\n\n" if generation != seen else b": idle\n\n"
                seen = generation
                self.wfile.write(message)
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return


class Server(http.server.ThreadingHTTPServer):
    """The HTTP server; threads are daemons so Ctrl-C never waits on a stream."""

    daemon_threads = True


def make_server(site: Path, bind: str, port: int, reloads: Reloads) -> Server:
    """A server for the site folder; raises OSError when the port is taken."""
    handler = partial(Handler, directory=str(site), reloads=reloads)
    return Server((bind, port), handler)
