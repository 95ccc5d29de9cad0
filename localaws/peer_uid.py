"""Which Unix user is at the other end of a loopback TCP connection, from the kernel's tables.

A shared host (The Littlest JupyterHub, a lab server) gives every user the same 127.0.0.1, so
a port alone does not say whose a connection is. Linux lists every TCP socket of this network
namespace, with its owner's uid, in ``/proc/net/tcp`` and ``/proc/net/tcp6``. For a connection
accepted on loopback, the client's own socket appears there with the connection's two ends
swapped (its local address is our peer's, its remote address is ours): its uid is the peer's.

Chosen over the alternatives because it needs no privileges and works for any client, including
custom runtimes that speak plain TCP to ``AWS_LAMBDA_RUNTIME_API``: Unix sockets (which carry
``SO_PEERCRED``) would change the address clients use, and a network namespace per user needs
privileges a learner does not have. Where the table cannot be read (not Linux), ``peer_uid``
answers None and the caller decides.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import os
import socket
import sys
from collections.abc import Iterator
from typing import Any

TABLES = ("/proc/net/tcp", "/proc/net/tcp6")
#: Socket states that are not a connection: listening, and TIME_WAIT (owned by no one).
_NOT_CONNECTIONS = ("0A", "06")


def _address(hex_address: str) -> tuple[str, int]:
    """``0100007F:1F90`` -> ("127.0.0.1", 8080): each 32-bit word in the host's byte order."""
    host, port = hex_address.split(":")
    raw = bytes.fromhex(host)
    words = raw  # the table prints each 32-bit word as the host stores it
    if sys.byteorder == "little":
        words = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
    address = ipaddress.ip_address(words)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return str(address), int(port, 16)


def _rows(tables: tuple[str, ...]) -> Iterator[tuple[tuple[str, int], tuple[str, int], int]]:
    for table in tables:
        try:
            with open(table) as handle:
                lines = handle.readlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) < 8 or fields[3] in _NOT_CONNECTIONS:
                continue
            yield _address(fields[1]), _address(fields[2]), int(fields[7])


def _normal(address: tuple[str, ...] | tuple[str, int]) -> tuple[str, int]:
    host = str(ipaddress.ip_address(str(address[0]).split("%")[0]))
    mapped = ipaddress.ip_address(host)
    if isinstance(mapped, ipaddress.IPv6Address) and mapped.ipv4_mapped is not None:
        host = str(mapped.ipv4_mapped)
    return host, int(address[1])


def peer_uid(connection: socket.socket, tables: tuple[str, ...] = TABLES) -> int | None:
    """The uid owning the client end of ``connection`` (accepted on this machine), or None
    when the kernel's tables are unreadable or do not list it."""
    try:
        ours, theirs = _normal(connection.getsockname()), _normal(connection.getpeername())
    except (OSError, ValueError):
        return None
    for local, remote, uid in _rows(tables):
        if local == theirs and remote == ours:
            return uid
    return None


def tables_readable(tables: tuple[str, ...] = TABLES) -> bool:
    return any(os.access(table, os.R_OK) for table in tables)


def allowed(connection: socket.socket, owner_uid: int | None = None) -> bool:
    """Whether the peer is the owner (this process's user) or root. A peer the tables do not
    list is refused on loopback; one on another machine (only with an explicit ``--host``)
    and every peer where there are no tables to read (not Linux) are let through to the
    signature check."""
    owner = os.geteuid() if owner_uid is None else owner_uid
    uid = peer_uid(connection)
    if uid is not None:
        return uid in (owner, 0)
    if not tables_readable():
        return True
    try:
        return not ipaddress.ip_address(_normal(connection.getpeername())[0]).is_loopback
    except (OSError, ValueError):
        return False


REFUSED = (
    b"HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nConnection: close\r\n"
    b"Content-Length: %d\r\n\r\n%s"
)


def owner_only(server: Any, message: str = "") -> None:
    """Make a ``socketserver`` server accept connections only from its owner (or root): any
    other peer gets ``403`` and ``message`` (JSON), or just a closed connection."""

    def verify_request(request: Any, client_address: Any) -> bool:
        if allowed(request):
            return True
        if message:
            body = json.dumps({"message": message}).encode()
            with contextlib.suppress(OSError):
                request.sendall(REFUSED % (len(body), body))
        return False

    server.verify_request = verify_request
