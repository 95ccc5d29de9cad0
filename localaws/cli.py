"""``localaws`` command line: serve, start, stop, status, logs, reset, env.

Exit codes: 0 done; 1 ``status`` found no server running; 2 could not do what was asked (one
line on stderr says why and what to do; ``LOCALAWS_DEBUG=1`` adds the traceback of an
unexpected error); 130 interrupted.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import shutil
import sys
import time
import traceback
import urllib.error
from collections.abc import Sequence

from localaws import __version__
from localaws.cli_parser import build_parser
from localaws.config import (
    ENV_HOST,
    ENV_PORT,
    HOST_AWS_VARIABLES,
    ExecutorSettings,
    ServerSettings,
    debug_enabled,
    is_loopback,
    resolve_settings,
)
from localaws.errors import LocalAwsError, NotRunningError, SettingError, StateFormatError
from localaws.server.daemon import (
    admin_token,
    fetch_json,
    running_endpoint,
    server_status,
    start_background,
    stop_background,
)
from localaws.state.statedir import StateDirLayout
from localaws.state.store import CorruptStateError, check_state_files


def _settings(args: argparse.Namespace) -> ServerSettings:
    allow_any = bool(getattr(args, "allow_any_credentials", False))
    return resolve_settings(
        getattr(args, "host", None), args.port, args.state_dir, allow_any_credentials=allow_any
    )


def _listening_settings(args: argparse.Namespace) -> ServerSettings:
    """The settings of a server about to start, its port chosen (see port_choice.py)."""
    from localaws.server.port_choice import choose_port

    explicit = args.port is not None or bool(os.environ.get(ENV_PORT, "").strip())
    return choose_port(_settings(args), explicit)


def _check_host(args: argparse.Namespace, settings: ServerSettings) -> None:
    """Loopback only, unless another address was asked for explicitly with --host."""
    if is_loopback(settings.host):
        return
    if not args.host:
        raise LocalAwsError(
            f"refusing to listen on {settings.host} (from ${ENV_HOST}): localaws is for this "
            "machine, so it listens on 127.0.0.1 only.",
            f"Unset ${ENV_HOST}, or pass --host {settings.host} if you really mean it.",
        )
    print(
        f"localaws: warning: listening on {settings.host}: other machines can reach this "
        "server (plain HTTP; the check of a Unix user's uid applies to loopback only).",
        file=sys.stderr,
    )


def _forget_host_aws_identity() -> None:
    """The server needs no AWS identity of its own; a host profile that does not resolve would
    even stop moto from starting. Handlers get session credentials of their own."""
    for name in HOST_AWS_VARIABLES:
        os.environ.pop(name, None)
    os.environ["AWS_CONFIG_FILE"] = os.devnull
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull


def cmd_serve(args: argparse.Namespace) -> int:
    settings = _settings(args)
    _check_host(args, settings)
    if args.listen_fd is None:
        settings = _listening_settings(args)
    executor_settings = ExecutorSettings.from_environ()
    if args.exit_with_parent is not None and args.exit_with_parent != os.getppid():
        raise SettingError(
            f"--exit-with-parent {args.exit_with_parent} is not the process that started "
            f"localaws (pid {os.getppid()}).",
            "Give the pid of the process that runs 'localaws serve', or leave it out.",
        )
    # No cyclic garbage collection while moto loads: each full pass over its objects grows
    # with them, to about 0.25 s; the server's warm-up turns it back on (serve.py).
    gc.disable()
    _forget_host_aws_identity()  # before moto is imported: it makes boto3 sessions as it is
    from localaws.server.allocator import limit_malloc_arenas

    limit_malloc_arenas()  # before any thread starts
    from localaws.server.slow_imports import defer_slow_imports

    defer_slow_imports()  # before moto is imported
    from localaws.moto_glue import seams

    seams.check()  # before anything imports the moto names localaws relies on
    from localaws.server.serve import LocalAwsServer

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("werkzeug").setLevel(logging.INFO if args.verbose else logging.WARNING)
    server = LocalAwsServer(
        settings,
        persist=not args.no_persist,
        listen_fd=args.listen_fd,
        executor_settings=executor_settings,
    )
    server.start()
    print(f"localaws {__version__} ready at {settings.endpoint} (state: {settings.state_dir})")
    sys.stdout.flush()
    server.wait(args.exit_with_parent)
    if args.remove_state_dir_at_exit:
        shutil.rmtree(settings.state_dir, ignore_errors=True)
    # Every write is already durable; skip the slow teardown of moto's many modules.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _env_command(settings: ServerSettings) -> str:
    default = resolve_settings(None, None, None).state_dir
    where = "" if settings.state_dir == default else f" --state-dir {settings.state_dir}"
    return f'eval "$(localaws env{where})"'


def cmd_start(args: argparse.Namespace) -> int:
    settings = _settings(args)
    _check_host(args, settings)
    running = running_endpoint(StateDirLayout(settings.state_dir))
    if running is None:
        settings = _listening_settings(args)
    ExecutorSettings.from_environ()  # a bad LOCALAWS_* variable is said here, not in a log
    extra = ["--no-persist"] if args.no_persist else []
    extra += ["--allow-any-credentials"] if settings.allow_any_credentials else []
    started = time.monotonic()
    pid, already = start_background(settings, extra)
    if already:
        endpoint = running[1] if running else settings.endpoint
        print(f"localaws is already running (pid {pid}) at {endpoint}")
    else:
        took = time.monotonic() - started
        print(f"localaws started (pid {pid}) at {settings.endpoint} in {took:.1f} s")
    for notice in server_status(settings).get("notices", []):
        print(f"localaws: error: {notice}", file=sys.stderr)
    print(f"Use it from a shell with: {_env_command(settings)}")
    return 0


def cmd_stop(args: argparse.Namespace) -> int:
    pid = stop_background(_settings(args))
    print(f"localaws stopped (pid {pid})")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    status = server_status(_settings(args))
    persistence = status["persistence"]
    saved = "on" if persistence["enabled"] else "off (in memory only)"
    lines = [
        f"localaws {status['version']} running (pid {status['pid']})",
        f"  endpoint:      {status['endpoint']}",
        f"  uptime:        {status['uptime_seconds']:.0f} s",
        f"  state dir:     {status['state_dir']}",
        f"  persistence:   {saved}, writes saved since start: {persistence['records_written']}",
        f"  services:      {', '.join(status['services'])}",
        f"  CPU throttle:  {status['cpu_throttle_mode']}",
    ]
    environments = status.get("lambda", {}).get("environments")
    if environments:
        warm, busy = environments["warm"], environments["busy"]
        provisioned = environments.get("provisioned", 0)
        lines.append(
            f"  Lambda:        {warm} warm, {provisioned} provisioned, {busy} busy environments"
        )
    lines += [f"  notice:        {notice}" for notice in status.get("notices", [])]
    print("\n".join(lines))
    return 0


def _confirm(question: str) -> bool:
    if not sys.stdin.isatty():
        raise LocalAwsError("reset needs confirmation.", "Run 'localaws reset --yes'.")
    return input(f"{question} [y/N] ").strip().lower() in ("y", "yes")


def cmd_reset(args: argparse.Namespace) -> int:
    settings = _settings(args)
    layout = StateDirLayout(settings.state_dir)
    if not args.yes and not _confirm(
        f"Delete every resource kept by localaws in {settings.state_dir}?"
    ):
        print("Nothing was changed.")
        return 0
    running = running_endpoint(layout)
    if running is not None:
        fetch_json(
            f"{running[1]}/_localaws/reset", method="POST", timeout=60, token=admin_token(layout)
        )
        print(f"localaws (pid {running[0]}) was reset: every service is empty.")
        return 0
    from localaws.state.store import StateStore

    store = StateStore(layout) if layout.state.exists() else None
    if store is None:
        print("There was no saved state.")
        return 0
    if not _readable(layout):
        print(f"The saved state could not be read; moved aside to {store.move_state_aside()}.")
        return 0
    store.delete_state()
    print(f"Saved state in {settings.state_dir} deleted.")
    return 0


def _readable(layout: StateDirLayout) -> bool:
    try:
        check_state_files(layout)
    except (CorruptStateError, StateFormatError):
        return False
    return True


def cmd_logs(args: argparse.Namespace) -> int:
    from localaws.server.logview import function_log_events, logs_client

    settings = _settings(args)
    running = running_endpoint(StateDirLayout(settings.state_dir))
    if running is None:
        raise NotRunningError(
            f"localaws is not running for {settings.state_dir}.", "Start it with 'localaws start'."
        )
    from botocore.exceptions import BotoCoreError

    try:
        events = list(
            function_log_events(logs_client(running[1], settings.state_dir), args.function)
        )
    except BotoCoreError as error:
        raise LocalAwsError(
            f"could not read the logs from localaws at {running[1]}: {error}.",
            "Check it with 'localaws status'; restart it with 'localaws stop' and "
            "'localaws start'.",
        ) from error
    if args.tail is not None:
        events = events[-args.tail :] if args.tail > 0 else []
    for event in events:
        print(event["message"].rstrip("\n"))
    return 0


def cmd_env(args: argparse.Namespace) -> int:
    """Print the export lines for this state dir's localaws (started or not)."""
    from localaws.server.client_env import client_environment, export_lines
    from localaws.server.port_choice import recorded_port

    settings = _settings(args)
    running = running_endpoint(StateDirLayout(settings.state_dir))
    port = recorded_port(settings.state_dir) or settings.port
    endpoint = running[1] if running else f"http://{settings.host}:{port}"
    sys.stdout.write(export_lines(client_environment(settings.state_dir, endpoint)))
    return 0


COMMANDS = {
    "env": cmd_env,
    "serve": cmd_serve,
    "start": cmd_start,
    "stop": cmd_stop,
    "status": cmd_status,
    "reset": cmd_reset,
    "logs": cmd_logs,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except NotRunningError as error:
        if args.command == "status":  # the answer, not a failure
            print(f"localaws: {error}", file=sys.stderr)
            return 1
        print(f"localaws: error: {error}", file=sys.stderr)
        return 2
    except LocalAwsError as error:
        print(f"localaws: error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # the one boundary: one line, never a traceback, unless asked
        if debug_enabled():
            traceback.print_exc()
        print(f"localaws: error: {describe_unexpected(error)}", file=sys.stderr)
        return 2


def describe_unexpected(error: Exception) -> str:
    """One line for an error no command expected, with what to do next."""
    if isinstance(error, (ConnectionError, urllib.error.URLError, TimeoutError)):
        return (
            f"could not reach localaws ({error}). Is it running ('localaws status')? "
            "Start it with 'localaws start'."
        )
    if isinstance(error, OSError):
        return f"{error}. Check the path and its permissions."
    return (
        f"unexpected {type(error).__name__}: {error}. Run again with LOCALAWS_DEBUG=1 to see "
        "the traceback, and report it if it persists."
    )
