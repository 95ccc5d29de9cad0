"""The health probe treats a broken or foreign answer on the port as "not localaws"."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from localaws.server.daemon import fetch_json, is_healthy


@pytest.fixture(params=["200 OK", "503 Service Unavailable"])
def truncating_server(request: pytest.FixtureRequest) -> Iterator[str]:
    """A server that promises 22 bytes of body, sends none and hangs up (as one closing does),
    after a success or an error status (a server still starting answers 503)."""
    status_line = f"HTTP/1.1 {request.param}\r\n".encode()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()

    def serve() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            with connection:
                connection.recv(4096)
                connection.sendall(status_line + b"Content-Length: 22\r\n\r\n")

    threading.Thread(target=serve, daemon=True).start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    listener.close()


def test_a_response_that_breaks_off_is_not_healthy(truncating_server: str) -> None:
    assert is_healthy(truncating_server) is False


def test_a_response_that_breaks_off_is_an_os_error(truncating_server: str) -> None:
    with pytest.raises(OSError, match="broken response"):
        fetch_json(f"{truncating_server}/_localaws/status")
