"""Which Unix user is at the other end of a loopback TCP connection, from the kernel's tables.

A shared host (The Littlest JupyterHub, a lab server) gives every user the same 127.0.0.1, so
a port alone does not say whose a connection is. Linux lists every TCP socket of this network
namespace, with its owner's uid, in ``/proc/net/tcp`` and ``/proc/net/tcp6``. For a connection
accepted on loopback, the client's own socket appears there with the connection's two ends
swapped (its local address is our peer's, its remote address is ours): its uid is the peer's.

The table is asked for the one socket through NETLINK_SOCK_DIAG (as ``ss`` does) where the
kernel allows it, and read from ``/proc/net/tcp{,6}`` otherwise.

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
import struct
import sys
from typing import Any

TABLES = ("/proc/net/tcp", "/proc/net/tcp6")
#: Socket states that are not a connection: listening, and TIME_WAIT (owned by no one).
_NOT_CONNECTIONS = ("0A", "06")


def _words(packed: bytes) -> str:
    """An address as the tables print it: each 32-bit word in the host's byte order."""
    if sys.byteorder == "little":
        packed = b"".join(packed[i : i + 4][::-1] for i in range(0, len(packed), 4))
    return packed.hex().upper()


def _as_listed(address: tuple[str, int]) -> set[str]:
    """How ``(host, port)`` can appear in the tables: IPv4 in tcp, IPv6 (or v4-mapped) in tcp6."""
    host, port = address
    ip = ipaddress.ip_address(host)
    forms = {f"{_words(ip.packed)}:{port:04X}"}
    if isinstance(ip, ipaddress.IPv4Address):
        mapped = ipaddress.IPv6Address(f"::ffff:{ip}")
        forms.add(f"{_words(mapped.packed)}:{port:04X}")
    return forms


def _normal(address: tuple[str, ...] | tuple[str, int]) -> tuple[str, int]:
    host = str(ipaddress.ip_address(str(address[0]).split("%")[0]))
    mapped = ipaddress.ip_address(host)
    if isinstance(mapped, ipaddress.IPv6Address) and mapped.ipv4_mapped is not None:
        host = str(mapped.ipv4_mapped)
    return host, int(address[1])


#: sock_diag's request type, and the offset of the uid in its answer (after the netlink header,
#: four one-byte fields, the 48-byte socket id and three 32-bit counters).
SOCK_DIAG_BY_FAMILY = 20
_UID_OFFSET = 16 + 4 + 48 + 12


def _sock_diag_uid(connection: socket.socket) -> int | None:
    """The same table asked for one socket by its two ends (NETLINK_SOCK_DIAG, as ``ss``
    does): about 0.1 ms where reading /proc/net/tcp takes 10 ms and more on a busy host."""
    family = connection.family
    theirs, ours = connection.getpeername()[:2], connection.getsockname()[:2]
    request = struct.pack("=BBBxI", family, socket.IPPROTO_TCP, 0, 0xFFFFFFFF)
    request += struct.pack("!HH", theirs[1], ours[1])
    request += socket.inet_pton(family, theirs[0]).ljust(16, b"\0")
    request += socket.inet_pton(family, ours[0]).ljust(16, b"\0")
    request += struct.pack("=III", 0, 0xFFFFFFFF, 0xFFFFFFFF)  # any interface, no cookie
    header = struct.pack("=LHHLL", 16 + len(request), SOCK_DIAG_BY_FAMILY, 1, 1, 0)
    with socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, 4) as netlink:  # SOCK_DIAG
        netlink.settimeout(1.0)
        netlink.sendto(header + request, (0, 0))
        answer = netlink.recv(8192)
    if (
        len(answer) < _UID_OFFSET + 4
        or struct.unpack_from("=H", answer, 4)[0] != SOCK_DIAG_BY_FAMILY
    ):
        return None  # an error message: no such socket
    return int(struct.unpack_from("=I", answer, _UID_OFFSET)[0])


def peer_uid(
    connection: socket.socket, tables: tuple[str, ...] = TABLES, netlink: bool = True
) -> int | None:
    """The uid owning the client end of ``connection`` (accepted on this machine), or None
    when the kernel's tables are unreadable or do not list it."""
    if netlink and hasattr(socket, "AF_NETLINK"):
        with contextlib.suppress(OSError, ValueError, struct.error):
            return _sock_diag_uid(connection)
    try:
        theirs = _as_listed(_normal(connection.getpeername()))
        ours = _as_listed(_normal(connection.getsockname()))
    except (OSError, ValueError):
        return None
    port = next(iter(theirs)).rsplit(":", 1)[1]
    for table in tables:
        try:
            with open(table) as handle:
                text = handle.read()
        except OSError:
            continue
        for line in text.splitlines()[1:]:
            if port not in line:  # most rows, cheaply
                continue
            fields = line.split()
            if (
                len(fields) > 7
                and fields[1] in theirs
                and fields[2] in ours
                and fields[3] not in _NOT_CONNECTIONS
            ):
                return int(fields[7])
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
