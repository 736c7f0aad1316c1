"""The ``playground`` command: serve the browser playground until Ctrl-C.

The page's URL is the first line on stdout; messages go to stderr. Ctrl-C stops the
server cleanly (status 0); SIGTERM is handled by :func:`oneneuron.cli.main` (143).
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import sys
import threading
from typing import TextIO

__all__ = ["playground"]

_EXPOSED = (
    "warning: --host {host} makes the playground reachable from other machines; anyone "
    "who can reach this port can use it and read what you upload (there is no login). "
    "Use the default, 127.0.0.1, unless you mean to share it."
)


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _open_browser(url: str, err: TextIO) -> None:
    """Open ``url`` in a browser without blocking; on a Linux box without a display, say so."""
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        err.write("oneneuron playground: no display; open the URL above in a browser\n")
        return
    import webbrowser

    threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()


def playground(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run the server; returns 0 after Ctrl-C."""
    if (args.data is None) != (args.target is None):
        raise ValueError("--data FILE and --target COL go together")
    from ..playground import Playground, make_server

    app = Playground()
    if args.data is not None:
        app.load_file(args.data, args.target)
    host = args.host.strip("[]")
    try:
        server = make_server(host, args.port, playground=app)
    except OSError as exc:
        raise OSError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from None
    try:
        if not _is_loopback(host):
            err.write(_EXPOSED.format(host=args.host) + "\n")
        out.write(server.url + "\n")
        out.flush()
        err.write(f"oneneuron playground: serving {server.url} (Ctrl-C stops it)\n")
        err.flush()
        if not args.no_browser:
            _open_browser(server.url, err)
        try:
            server.serve_forever(poll_interval=0.25)
        except KeyboardInterrupt:
            err.write("\noneneuron playground: stopped\n")
            return 0
    finally:
        server.server_close()
    return 0
