"""The localaws server: claim the state directory, bind loopback, restore state, serve."""

from __future__ import annotations

import contextlib
import errno
import gc
import logging
import os
import signal
import socket
import threading
from collections.abc import Callable
from functools import partial
from types import FrameType
from typing import Any

from localaws import __version__
from localaws.config import EMULATED_SERVICES, ExecutorSettings, ServerSettings
from localaws.errors import LocalAwsError, PortInUseError
from localaws.executor.session_keys import SessionKeys
from localaws.moto_glue.front_doors import sigv4 as front_door_sigv4
from localaws.peer_uid import owner_only
from localaws.server.access import AccessGate
from localaws.server.admin import ServerInfo
from localaws.server.app import LocalAwsApp
from localaws.server.port_choice import record_port
from localaws.server.slow_imports import defer_slow_imports
from localaws.state.owner import load_or_create
from localaws.state.persistence import Persistence
from localaws.state.statedir import StateDirClaim, StateDirLayout
from localaws.state.store import StateStore

log = logging.getLogger("localaws")
OTHER_USER = (
    "This localaws belongs to another user of this machine. Start your own with "
    "'localaws start' (it picks a free port when this one is taken)."
)


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening socket, or PortInUseError with what to do about it."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            raise PortInUseError(
                f"port {port} on {host} is already in use.",
                "Is localaws already running ('localaws status')? "
                "Otherwise pick another port with --port.",
            ) from error
        raise LocalAwsError(
            f"cannot listen on {host}:{port}: {error.strerror or error}.",
            "Ports below 1024 need root, and --host must be an address of this machine; "
            "pick another --port or --host.",
        ) from error
    sock.listen(128)
    return sock


def adopt_socket(fd: int, host: str, port: int) -> socket.socket:
    """The listening socket the process that started localaws bound for it (see embedded.py)."""
    try:
        sock = socket.socket(fileno=fd)
        sock.set_inheritable(False)  # never passed on to Lambda runtime processes
        bound = sock.getsockname()[:2]
    except OSError as error:
        raise LocalAwsError(
            f"--listen-fd {fd} is not an open socket.",
            "Leave --listen-fd out; localaws then binds --host and --port itself.",
        ) from error
    if sock.type != socket.SOCK_STREAM or bound != (host, port):
        sock.close()
        raise LocalAwsError(
            f"--listen-fd {fd} is not a TCP socket bound to {host}:{port}.",
            "Give the --host (an IP address) and --port it is bound to.",
        )
    sock.listen(128)
    return sock


#: How often the HTTP loop looks for a stop request (the default, 0.5 s, slowed every stop).
STOP_POLL_SECONDS = 0.05
#: Warmed first after ready: CloudFormation's import is slow (it loads most of moto's models).
WARM_LATER = ("cloudformation",)
#: The services a lab notebook calls first, in that order: their apps and API models are
#: made first after ready, then every other emulated service's.
FIRST_SERVICES = ("sts", "cloudformation", "lambda", "iam", "s3", "logs")
OTHER_SERVICES = tuple(s for s in EMULATED_SERVICES if s not in FIRST_SERVICES)


def _moto_wsgi_app() -> Any:
    defer_slow_imports()
    from moto.server import DomainDispatcherApplication, create_backend_app

    return DomainDispatcherApplication(create_backend_app)


def _warm_up(moto_app: Any, services: tuple[str, ...]) -> None:
    """Import these services now, so the first request to each is not slow."""
    for service in services:
        backend = "awslambda" if service == "lambda" else service
        if backend not in moto_app.app_instances:
            app = moto_app.create_app(backend)
            with moto_app.lock:
                moto_app.app_instances.setdefault(backend, app)


def _load_api_models(services: tuple[str, ...]) -> None:
    """Read these services' API models and build their request routers now: moto does each at
    the service's first request (30-250 ms) and keeps it, and a reset keeps it too."""
    from moto.core.routing import get_service_router
    from werkzeug.exceptions import NotFound

    for service in services:
        router = get_service_router(service)
        with contextlib.suppress(NotFound):  # a protocol moto does not route this way
            router._get_router(router._service_model.metadata["protocol"])


def _warm_up_later(moto_app: Any, then: Callable[[], object] = lambda: None) -> None:
    """After ready: CloudFormation and its fixes (unless a request came first: a lab's first
    notebook creates a stack at once), then the apps, API models and routers of the services
    a lab notebook calls first, then every other service's; then garbage collection is on
    again, and ``then`` runs (the server takes the functions' CPU weight).

    A request that comes before its service's app is made makes it (moto does so for any
    service it was not warmed for); ready comes 0.2-0.4 s sooner than with the apps made first.
    """
    from localaws import moto_glue

    try:
        _warm_up(moto_app, WARM_LATER)
        moto_glue.install_cloudformation()
        for services in (FIRST_SERVICES, OTHER_SERVICES):
            _warm_up(moto_app, services)
            _load_api_models(services)
    finally:
        _spare_from_collection()
        then()


def _spare_from_collection() -> None:
    """Turn cyclic garbage collection back on (``cmd_serve`` turned it off), leaving every
    object made so far out of it: moto's modules and API models, the state loaded at start.

    A full pass over them takes about 0.25 s and would fall now and then on a request or a
    function run. Objects made later are collected as usual; those of the start-up state that
    a reset frees go by reference counting, and any caught in a reference cycle stay until the
    server stops.
    """
    gc.freeze()
    gc.enable()


PARENT_POLL_SECONDS = 0.5
SIGNAL_POLL_SECONDS = 0.5


def watch_parent(parent_pid: int, stop: threading.Event) -> None:
    """Set ``stop`` once ``parent_pid`` is no longer this process's parent (it ended, and the
    process was handed to another). Started by the server itself, so the process that starts
    it needs no ``preexec_fn`` (unsafe in a threaded parent such as a Jupyter kernel)."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            if stop.wait(PARENT_POLL_SECONDS):
                return
        log.info("localaws: the process that started it (pid %s) has ended; stopping", parent_pid)
        stop.set()

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


class LocalAwsServer:
    """One running localaws: owns the state directory claim, the socket and moto."""

    def __init__(
        self,
        settings: ServerSettings,
        persist: bool = True,
        listen_fd: int | None = None,
        executor_settings: ExecutorSettings | None = None,
    ) -> None:
        self.settings = settings
        self.executor_settings = executor_settings or ExecutorSettings()
        self.listen_fd = listen_fd  # a socket already listening on the port, bound by our parent
        self.layout = StateDirLayout(settings.state_dir)
        self.claim = StateDirClaim(self.layout)
        self.persist = persist
        self.info = ServerInfo(settings)
        self._http: Any = None
        self.executor: Any = None
        self.persistence: Persistence | None = None
        self._socket: socket.socket | None = None

    def start(self) -> None:
        """Claim, bind and restore; the server answers health checks once this returns."""
        try:
            self._start()
        except BaseException:
            self.shutdown()
            raise

    def _start(self) -> None:
        from moto.moto_server.werkzeug_app import MotoRequestHandler
        from werkzeug.serving import make_server

        from localaws import moto_glue
        from localaws.server.wiring import build_executor

        self.claim.acquire()
        host, port = self.settings.host, self.settings.port
        if self.listen_fd is None:
            self._socket = bind_socket(host, port)
        else:
            self._socket = adopt_socket(self.listen_fd, host, port)
        verify = os.environ.get("LOCALAWS_VERIFY_COMMITS") == "1"  # test-only
        store = StateStore(self.layout, verify) if self.persist else None
        persistence = Persistence(store)
        record_port(self.layout.root, port)
        owner = load_or_create(self.layout.root)
        keys = SessionKeys()
        gate = AccessGate(owner, keys, self.settings.allow_any_credentials)
        front_door_sigv4.accept_keys(
            lambda key: getattr(gate.find_secret(key), "secret_access_key", None),
            self.settings.allow_any_credentials,
        )
        moto_app = _moto_wsgi_app()
        app = LocalAwsApp(moto_app, persistence, self.info, gate)
        self._http = make_server(
            self.settings.host,
            self.settings.port,
            app,
            threaded=True,
            request_handler=MotoRequestHandler,
            fd=self._socket.fileno(),
        )
        owner_only(self._http, OTHER_USER)
        self.claim.write_pid_file(
            {
                "pid": os.getpid(),
                "host": self.settings.host,
                "port": self.settings.port,
                "started_at": self.info.started_at,
                "version": __version__,
            }
        )
        threading.Thread(
            target=self._http.serve_forever, args=(STOP_POLL_SECONDS,), name="http", daemon=True
        ).start()
        self.executor = build_executor(
            persistence,
            self.layout.root / "lambda",
            self.settings.endpoint,
            self.executor_settings,
            keys,
        )
        moto_glue.install(self.settings.endpoint, self.executor.moto_hooks())
        app.front_doors = self.executor.front_doors(persistence.reading)
        result = persistence.restore()
        moto_glue.after_restore()
        if result.moved_aside_to is not None:
            notice = (
                f"the saved state could not be read ({result.reason}); "
                f"it was moved aside to {result.moved_aside_to} and localaws starts empty."
            )
            self.info.notices.append(notice)
            log.error("localaws: error: %s", notice)
        for notice in result.notices:
            self.info.notices.append(notice)
            log.warning("localaws: %s", notice)
        persistence.start_background()
        self.persistence = persistence
        self.executor.start()
        self.info.cpu_throttle_mode = self.executor.cpu_mode
        self.info.lambda_status = self.executor.status
        self.info.before_reset.append(self.executor.reset)
        self.info.after_reset.append(self.executor.async_invoker.release_claims)
        self.info.ready.set()
        threading.Thread(
            target=_warm_up_later,
            # Functions outweigh other processes on a busy machine, and so must the server
            # they call, once it has started: starting, it would outweigh them.
            args=(moto_app, partial(self.executor.limiter.favour_server, os.getpid())),
            name="warm-up",
            daemon=True,
        ).start()

    def wait(self, parent_pid: int | None = None) -> None:
        """Block until SIGTERM or SIGINT (or, with ``parent_pid``, until that process has
        ended), then stop cleanly."""
        stop = threading.Event()

        def on_signal(signum: int, frame: FrameType | None) -> None:
            stop.set()

        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
        if parent_pid is not None:
            watch_parent(parent_pid, stop)
        # Short waits: Python runs a signal's handler only when the main thread wakes, and a
        # SIGTERM the kernel hands to another thread would otherwise wait for the timeout.
        while not stop.wait(SIGNAL_POLL_SECONDS):
            pass
        self.shutdown()

    def shutdown(self) -> None:
        if self.executor is not None:
            self.executor.shutdown()
            self.executor = None
        if self.persistence is not None:
            self.persistence.stop()
            self.persistence = None
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()
            self._http = None
        if self._socket is not None:
            self._socket.close()
            self._socket = None
        self.claim.release()
