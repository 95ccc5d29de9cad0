"""The AWS operations localaws serves itself because moto does not (one module each)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from localaws.moto_glue import provisioned_concurrency, recursion_config

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
ROUTES: tuple[tuple[Callable[[dict[str, Any]], bool], WsgiApp], ...] = (
    (recursion_config.handles, recursion_config.serve),
    (provisioned_concurrency.handles, provisioned_concurrency.serve),
)


def route(environ: dict[str, Any]) -> WsgiApp | None:
    """Our own handler of this request, or None for moto's."""
    for handles, serve in ROUTES:
        if handles(environ):
            return serve
    return None
