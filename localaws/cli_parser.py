"""The ``localaws`` command line's options: one parser, usage errors as one line."""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn

from localaws import __version__
from localaws.config import (
    ENV_ALLOW_ANY_CREDENTIALS,
    argparse_type,
    parse_count,
    parse_port_or_auto,
)


class OneLineParser(argparse.ArgumentParser):
    """argparse with its usage errors as one line (and exit 2)."""

    def error(self, message: str) -> NoReturn:
        print(f"{self.prog}: error: {message} (see '{self.prog} --help')", file=sys.stderr)
        sys.exit(2)


PORT = argparse_type(parse_port_or_auto, "--port")


def _add_location_options(parser: argparse.ArgumentParser, with_host: bool) -> None:
    if with_host:
        parser.add_argument(
            "--host",
            help="address to listen on (default 127.0.0.1 or $LOCALAWS_HOST; a non-loopback "
            "address is reachable from other machines and is refused unless given here)",
        )
    parser.add_argument(
        "--port",
        type=PORT,
        help="TCP port, or auto for a free one (default: the last one used or 4566, whichever "
        "is free, else a free one; or $LOCALAWS_PORT)",
    )
    parser.add_argument(
        "--state-dir", help="where state is kept (default .localaws, or $LOCALAWS_STATE_DIR)"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="localaws",
        description="The offline AWS for Serverless Lab: moto's server with persistent state.",
    )
    parser.add_argument("--version", action="version", version=f"localaws {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run in the foreground")
    _add_location_options(serve, with_host=True)
    serve.add_argument(
        "--no-persist", action="store_true", help="keep state in memory only (lost on exit)"
    )
    serve.add_argument(
        "--remove-state-dir-at-exit",
        action="store_true",
        help="delete the state directory when stopping (for a throw-away server)",
    )
    serve.add_argument("--verbose", action="store_true", help="log every request")
    serve.add_argument(
        "--listen-fd",
        type=argparse_type(parse_count, "--listen-fd"),
        metavar="FD",
        help="serve on this inherited socket, already bound to --host and --port and listening",
    )
    serve.add_argument(
        "--exit-with-parent",
        type=argparse_type(parse_count, "--exit-with-parent"),
        metavar="PID",
        help="stop when process PID (the one starting this server) has ended",
    )

    start = commands.add_parser("start", help="run in the background and wait until healthy")
    _add_location_options(start, with_host=True)
    for command in (serve, start):
        command.add_argument(
            "--allow-any-credentials",
            action="store_true",
            help="accept requests with any credentials or none (a single-user machine only; "
            f"or ${ENV_ALLOW_ANY_CREDENTIALS}=true)",
        )
    start.add_argument("--no-persist", action="store_true", help="keep state in memory only")

    for name, text in (("stop", "stop the background server"), ("status", "show the server")):
        _add_location_options(commands.add_parser(name, help=text), with_host=False)

    logs = commands.add_parser("logs", help="print a function's CloudWatch Logs")
    logs.add_argument("function", metavar="FUNCTION", help="the Lambda function's name")
    logs.add_argument(
        "--tail",
        type=argparse_type(parse_count, "--tail"),
        metavar="N",
        help="only the last N log events",
    )
    _add_location_options(logs, with_host=False)

    env = commands.add_parser(
        "env", help='print the export lines for this localaws: eval "$(localaws env)"'
    )
    _add_location_options(env, with_host=False)

    reset = commands.add_parser("reset", help="delete every resource and the saved state")
    _add_location_options(reset, with_host=False)
    reset.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    return parser
