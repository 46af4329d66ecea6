"""`tutor web`: the tutor in a browser, served by textual-serve; and the JupyterLab launcher.

textual-serve runs one `python -m tutor` per browser tab (one app, one kernel) and relays its
screen over a websocket to xterm.js. Its `Server` is used as it is, except for four things a
class needs, each overridden here:
- **URLs behind a proxy.** textual-serve builds absolute URLs from one fixed `public_url`: unset,
  the page points at the internal port (bypassing JupyterHub's login); a path-only value fails with
  HTTP 500. Here each page's URLs come from the request itself — `X-Forwarded-Proto`,
  `X-Forwarded-Host` (else `Host`) and `X-Forwarded-Prefix` (jupyter-server-proxy sends the
  `/user/NAME/tutor` context path there) — unless a full `--public-url` is given.
- **Idle means idle.** textual-serve pings every websocket every 15 s; jupyter-server-proxy counts
  those pings as activity, so JupyterHub's idle culler would never cull a learner whose tab is
  open and idle. The websocket heartbeat is off; a connection that dies without closing (a laptop
  lid shut) is found by TCP keepalive instead, which no proxy sees as activity.
- **Nothing outlives its tab.** When a tab closes or its connection dies, its app is asked to quit
  (it saves and ends its kernel); when the app ends (the learner quit, or took over in another
  tab), its websocket is closed; when the server is told to stop (SIGTERM from the culler), every
  app is sent SIGTERM, on which it saves and exits.
- **`exec`.** textual-serve starts the command through `/bin/sh`; `exec` replaces the shell, one
  process fewer per tab.
There is no login: anyone who reaches the port gets a tutor running as the serving user. It binds
127.0.0.1 by default and says so loudly when told to bind elsewhere (docs/jupyterhub.md).
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import shlex
import signal
import socket
import sys
from typing import Any

DEFAULT_PORT = 8000
# TCP keepalive on each websocket: the first probe after 30 s of silence, then every 10 s, and
# the connection is dead after 3 unanswered probes (a minute at most).
KEEPALIVE = (30, 10, 3)
APP_QUIT_GRACE = 3.0  # seconds an app has to exit after SIGTERM at server shutdown

log = logging.getLogger("tutor.web")


def tutor_command(python: str, tutor_args: list[str]) -> str:
    """The shell command textual-serve runs for each tab."""
    words = ["exec", "env", "TUTOR_WEB=1", python, "-m", "tutor", *tutor_args]
    return " ".join(shlex.quote(word) for word in words)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def first_value(header: str | None) -> str:
    """A forwarded header may list every proxy's value: the first is the client's."""
    return (header or "").split(",")[0].strip()


def public_base(headers: Any, scheme: str, public_url: str | None) -> str:
    """The URL the browser used to reach this server, without a trailing slash.

    `public_url`: a full URL given on the command line wins; a path alone ("/tutor") is a
    prefix, joined to the scheme and host the request came with.
    """
    if public_url and "://" in public_url:
        return public_url.rstrip("/")
    proto = first_value(headers.get("X-Forwarded-Proto")) or scheme
    host = first_value(headers.get("X-Forwarded-Host")) or headers.get("Host", "localhost")
    prefix = first_value(headers.get("X-Forwarded-Prefix")) or (public_url or "")
    prefix = "/" + prefix.strip("/") if prefix.strip("/") else ""
    return f"{proto}://{host}{prefix}"


def _keepalive(websocket_transport: Any) -> None:
    sock = websocket_transport.get_extra_info("socket") if websocket_transport else None
    if sock is None:
        return
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        idle, interval, count = KEEPALIVE
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, idle)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, interval)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, count)
    except (OSError, AttributeError):
        pass  # not TCP (a unix socket), or a platform without these options


def make_server(host: str, port: int, public_url: str | None, tutor_args: list[str]):
    """A textual-serve Server for the tutor (imported here: `tutor --help` needs no aiohttp)."""
    import aiohttp_jinja2
    from aiohttp import web
    from textual_serve.app_service import AppService
    from textual_serve.server import Server

    class TutorServer(Server):
        def __init__(self) -> None:
            super().__init__(tutor_command(sys.executable, tutor_args), host=host, port=port,
                             title="tutor", public_url=public_url or f"http://{host}:{port}")
            self.given_public_url = public_url
            self.services: set[AppService] = set()

        def initialize_logging(self) -> None:
            logging.basicConfig(level="INFO", format="%(message)s")

        async def on_startup(self, app: web.Application) -> None:
            print(f"tutor: serving on http://{host}:{port}/ (ctrl+c to stop)", flush=True)

        async def on_shutdown(self, app: web.Application) -> None:
            await asyncio.gather(*(end_app(service) for service in list(self.services)))

        @aiohttp_jinja2.template("app_index.html")
        async def handle_index(self, request: web.Request) -> dict[str, Any]:
            base = public_base(request.headers, request.scheme, self.given_public_url)
            websocket = ("wss" if base.startswith("https") else "ws") + base[base.index(":"):] + "/ws"
            return {
                "font_size": _font_size(request.query.get("fontsize", "16")),
                "app_websocket_url": websocket,
                "config": {"static": {"url": base + "/static/"}},
                "application": {"name": "tutor"},
            }

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            websocket = web.WebSocketResponse(heartbeat=None)  # see the module docstring
            width = _size(request.query.get("width", "80"), 80)
            height = _size(request.query.get("height", "24"), 24)
            service: AppService | None = None
            try:
                await websocket.prepare(request)
                _keepalive(request.transport)
                async def close() -> None:
                    await websocket.close()

                service = AppService(self.command, write_bytes=websocket.send_bytes,
                                     write_str=websocket.send_str, close=close,
                                     download_manager=self.download_manager)
                self.services.add(service)
                await service.start(width, height)
                app_ended = asyncio.ensure_future(_wait_for(service))
                browser = asyncio.ensure_future(self._process_messages(websocket, service))
                await asyncio.wait({app_ended, browser}, return_when=asyncio.FIRST_COMPLETED)
                browser.cancel()
                await websocket.close()  # the app ended: the tab shows it is over
            except asyncio.CancelledError:
                await websocket.close()
            except Exception as error:  # a failure for one tab must not stop the others
                log.exception(error)
            finally:
                if service is not None:
                    self.services.discard(service)
                    await end_app(service)
            return websocket

    return TutorServer()


async def _wait_for(service: Any) -> None:
    process = service._process  # textual-serve keeps no public handle on it
    if process is not None:
        await process.wait()


async def end_app(service: Any) -> None:
    """Ask the tab's app to quit (it saves and ends its kernel); SIGTERM if it does not."""
    process = service._process
    if process is None or process.returncode is not None:
        return
    try:
        await asyncio.wait_for(service.stop(), APP_QUIT_GRACE)
    except (TimeoutError, Exception):
        pass
    if process.returncode is None:
        try:
            process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), APP_QUIT_GRACE)
        except (TimeoutError, ProcessLookupError):
            if process.returncode is None:
                process.kill()


def _size(text: str, default: int) -> int:
    try:
        return max(1, min(int(text), 1000))
    except ValueError:
        return default


def _font_size(text: str) -> int:
    return _size(text, 16)


def run_web(host: str, port: int, public_url: str | None, tutor_args: list[str], err=sys.stderr) -> int:
    """`tutor web`: serve until ctrl+c or SIGTERM."""
    try:
        import textual_serve  # noqa: F401
    except ImportError:
        print("tutor web needs textual-serve: pip install 'tutor[web]' (with -c constraints.txt)", file=err)
        return 2
    if not is_loopback(host):
        print(
            f"tutor web: WARNING: listening on {host}, beyond this machine. There is no login: anyone "
            "who can reach this port gets a tutor running as this user, with its files. For a class, "
            "serve it through JupyterHub (docs/jupyterhub.md) or an authenticating proxy.",
            file=err, flush=True,
        )
    make_server(host, port, public_url, tutor_args).serve()
    return 0


def jupyter_server_proxy() -> dict[str, Any]:
    """The `jupyter_serverproxy_servers` entry point: a "Tutor" launcher in JupyterLab.

    jupyter-server-proxy starts `tutor web` on a free port when the launcher is first opened and
    proxies `/user/NAME/tutor/` to it (prefix stripped, sent as X-Forwarded-Prefix). It runs as the
    learner, so progress is in the learner's own home.
    """
    from importlib.resources import files

    return {
        "command": [sys.executable, "-m", "tutor", "web", "--port", "{port}"],
        "timeout": 60,
        "absolute_url": False,
        "new_browser_tab": True,
        "launcher_entry": {
            "enabled": True,
            "title": "Tutor",
            "icon_path": str(files("tutor").joinpath("tutor.svg")),
        },
    }
