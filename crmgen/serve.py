"""Serve the built site over HTTP, reloading open pages after each rebuild.

The reload script is added to HTML responses as they are served, so it never
exists in the files a plain `crmgen build` writes.
"""

from __future__ import annotations

import http.server
import logging
import threading
import urllib.parse
from functools import partial
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

EVENTS_PATH = "/__crmgen/events"


def reload_script(generation: int) -> bytes:
    """The script added to a served page: it reloads the page after each
    rebuild, one that ended while the page was loading too (it tells the
    server which rebuild the page was served after)."""
    return (
        "<script>(function(){var s=new EventSource("
        f"'{EVENTS_PATH}?seen={generation}');"
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
        self.cache_said = False  # whether this response said how to cache it
        super().__init__(*args, **kwargs)  # handles the request

    def send_header(self, keyword: str, value: str) -> None:
        self.cache_said |= keyword.lower() == "cache-control"
        super().send_header(keyword, value)

    def end_headers(self) -> None:
        # Any file may change with the next rebuild, problems.css say, and a
        # reload keeps what a browser cached. Asking again is not enough: the
        # answer "not modified since" goes by the second, and a rebuild may
        # rewrite a file within the second.
        if not self.cache_said:
            self.send_header("Cache-Control", "no-store")
        self.cache_said = False
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), format % args)

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        if url.path == EVENTS_PATH:
            asked = urllib.parse.parse_qs(url.query).get("seen", [""])[0]
            try:
                seen = int(asked)
            except ValueError:  # not from the reload script: from now on
                seen = self.reloads.generation
            self._events(seen)
            return
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            self._html(path)
            return
        super().do_GET()

    def _html(self, path: Path) -> None:
        # Read first: a rebuild between the two costs the page a reload, never
        # a rebuild missed.
        generation = self.reloads.generation
        try:
            body = path.read_bytes()
        except OSError:
            self.send_error(404)
            return
        marker = body.rfind(b"</body>")
        at = marker if marker >= 0 else len(body)
        body = body[:at] + reload_script(generation) + body[at:]
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _events(self, seen: int) -> None:
        """Tell the page each rebuild after the one it was served after."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
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
