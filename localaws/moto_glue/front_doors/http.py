"""A front door's HTTP request and answer, independent of WSGI and of moto."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl


@dataclass(frozen=True)
class HttpRequest:
    """What a client sent: the path is the part after the front door's own prefix."""

    method: str
    path: str  # raw (still percent-encoded), as sent, always starting with "/"
    query: str  # raw query string, without "?"
    headers: tuple[tuple[str, str], ...]  # in the order sent, names as sent
    body: bytes
    source_ip: str
    protocol: str = "HTTP/1.1"
    received_ms: int = field(default_factory=lambda: int(time.time() * 1000))

    def header(self, name: str) -> str | None:
        """The first value of a header (case-insensitive), or None."""
        lowered = name.lower()
        return next((value for key, value in self.headers if key.lower() == lowered), None)

    def grouped_headers(self, lower: bool) -> dict[str, list[str]]:
        """Every header's values, by name (lower-cased, or as first sent)."""
        grouped: dict[str, list[str]] = {}
        names: dict[str, str] = {}
        for key, value in self.headers:
            name = key.lower() if lower else names.setdefault(key.lower(), key)
            grouped.setdefault(name, []).append(value)
        return grouped

    def query_values(self) -> dict[str, list[str]]:
        """Every query parameter's values, decoded, in the order sent."""
        grouped: dict[str, list[str]] = {}
        for key, value in parse_qsl(self.query, keep_blank_values=True):
            grouped.setdefault(key, []).append(value)
        return grouped


@dataclass
class HttpAnswer:
    """What the front door sends back."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    @classmethod
    def json(cls, status: int, document: Any, *headers: tuple[str, str]) -> HttpAnswer:
        body = json.dumps(document, separators=(",", ":")).encode()
        return cls(status, [("Content-Type", "application/json"), *headers], body)
