"""`crmgen watch` and `crmgen serve`: rebuild the site as files change."""

from __future__ import annotations

import argparse
import errno
import ipaddress
import os
import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from crmgen.build import OutputFolderError
from crmgen.commands.base import UsageError, add_today, project_root, shown_path
from crmgen.commands.history_options import uses_git
from crmgen.words import plural

if TYPE_CHECKING:
    from crmgen.live import LiveSite
    from crmgen.serve import Reloads
    from crmgen.watch import Changes


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    watch = sub.add_parser(
        "watch",
        help="rebuild the site whenever a file changes",
        description="Build the site, then watch clients/, templates/ and "
        "crmgen.toml and rebuild what a change affects, printing one "
        "line per rebuild. Ctrl-C stops.",
    )
    serve = sub.add_parser(
        "serve",
        help="watch, and serve the site with live reload",
        description="Like watch, and serve the site over HTTP; open pages reload "
        "themselves after each rebuild. Binds 127.0.0.1 unless --bind "
        "says otherwise. Ctrl-C stops.",
    )
    serve.add_argument(
        "--port",
        type=int,
        default=8000,
        metavar="N",
        help="the port to listen on (default 8000; 0 picks a free one)",
    )
    serve.add_argument(
        "--bind",
        default="127.0.0.1",
        metavar="ADDR",
        help="the address to listen on (default 127.0.0.1, this machine only)",
    )
    for parser in (watch, serve):
        parser.add_argument(
            "--out",
            type=Path,
            metavar="DIR",
            help="the site folder (default: as for build)",
        )
        add_today(parser)
        parser.set_defaults(run=run)


def _stop_on_sigterm() -> None:
    """Treat SIGTERM like Ctrl-C, so both stop cleanly."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)


def _report(live: LiveSite, changes: Changes, reloads: Reloads | None) -> None:
    """Rebuild for one burst, print its line and the problems of changed files."""
    from crmgen.live import describe

    rebuilt = live.update(changes)
    touched = changes.clients | {f"{folder}/" for folder in changes.folders}
    whole = changes.config or changes.templates or bool(changes.folders)
    for problem in rebuilt.project.problems:
        if whole or problem.path in touched or problem.path == "crmgen.toml":
            print(problem.format(), flush=True)
    print(describe(rebuilt, changes), flush=True)
    if reloads is not None:
        reloads.announce()


def _start_server(args: argparse.Namespace, live: LiveSite, reloads: Reloads) -> None:
    from crmgen.serve import make_server

    try:
        server = make_server(live.folder, args.bind, args.port, reloads)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise UsageError(
                f"port {args.port} is in use on {args.bind}; choose another with --port"
            ) from None
        raise UsageError(
            f"cannot listen on {args.bind}:{args.port}: {error.strerror}"
        ) from None
    address, port = server.server_address[:2]
    host = address.decode() if isinstance(address, bytes) else str(address)
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        print(
            f"warning: serving on {host}: anyone who can reach this machine "
            f"can read your client data",
            file=sys.stderr,
            flush=True,
        )
    shown = f"[{host}]" if ":" in host else host
    print(f"serving the site at http://{shown}:{port}/ (Ctrl-C to stop)", flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    args.server = server


def _first_build(args: argparse.Namespace, root: Path) -> LiveSite:
    """Build the whole site and say so, with the problems of the files."""
    import jinja2

    from crmgen.live import LiveSite

    try:
        live = LiveSite(root, args.today, args.out, uses_git(args))
    except OutputFolderError as error:
        raise UsageError(str(error)) from None
    except jinja2.TemplateError as error:
        raise UsageError(f"a template failed: {error}") from None
    project = live.project
    for problem in project.problems:
        print(problem.format(), flush=True)
    counts = f"{plural(project.errors, 'error')}, {plural(project.warnings, 'warning')}"
    print(
        f"built {plural(len(project.clients), 'client page')} into "
        f"{shown_path(live.folder)}{os.sep} "
        f"({counts}); watching clients/, templates/ and crmgen.toml",
        flush=True,
    )
    return live


def run(args: argparse.Namespace) -> int:
    # Imported here, not at the top: every command's module is imported at
    # start-up, and a `crmgen build` with nothing to do must not wait for these.
    from crmgen.serve import Reloads
    from crmgen.watch import Watcher

    root = project_root(args)
    _stop_on_sigterm()
    reloads = Reloads() if args.command == "serve" else None
    # Watching starts before the first build, so that a file saved during it,
    # or just after the line saying so, is rebuilt, never missed.
    watcher = Watcher(root, lambda changes: _report(live, changes, reloads))
    watcher.start()
    try:
        live = _first_build(args, root)
        if reloads is not None:
            _start_server(args, live, reloads)
        watcher.run()
    except KeyboardInterrupt:
        pass
    finally:
        watcher.stop()
        if reloads is not None:
            reloads.close()
        server = getattr(args, "server", None)
        if server is not None:
            server.shutdown()
    print("stopped", flush=True)
    return 0
