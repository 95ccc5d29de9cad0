"""Matching a request path against API Gateway's path templates.

As AWS chooses: a literal segment beats a ``{param}``, which beats a greedy ``{proxy+}``
(which matches one or more segments, and only as the last one); among the routes left, the
longer match wins. Parameter values are URL-decoded.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar
from urllib.parse import unquote

T = TypeVar("T")


def _segments(path: str) -> list[str]:
    return [part for part in path.split("/") if part]


def match_template(template: str, path: str) -> tuple[tuple[int, ...], dict[str, str]] | None:
    """(a sort key, higher is more specific; the path parameters) or None."""
    wanted, given = _segments(template), _segments(path)
    params: dict[str, str] = {}
    score: list[int] = []
    for index, part in enumerate(wanted):
        if part.startswith("{") and part.endswith("+}"):
            if index != len(wanted) - 1 or index >= len(given):
                return None
            params[part[1:-2]] = unquote("/".join(given[index:]))
            score.append(0)
            return (*score, 0), params
        if index >= len(given):
            return None
        if part.startswith("{") and part.endswith("}"):
            params[part[1:-1]] = unquote(given[index])
            score.append(1)
        elif part == given[index]:
            score.append(2)
        else:
            return None
    if len(given) != len(wanted):
        return None
    return (*score, 1), params


def best_match(candidates: Iterable[tuple[str, T]], path: str) -> tuple[T, dict[str, str]] | None:
    """The most specific of (template, value) for ``path``, with its parameters."""
    found: list[tuple[tuple[int, ...], T, dict[str, str]]] = []
    for template, value in candidates:
        matched = match_template(template, path)
        if matched is not None:
            found.append((matched[0], value, matched[1]))
    if not found:
        return None
    found.sort(key=lambda item: item[0], reverse=True)
    return found[0][1], found[0][2]
