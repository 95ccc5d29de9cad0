"""CORS as function URLs and HTTP APIs apply it from their configuration.

Both answer a preflight ``OPTIONS`` themselves (the function does not run) and add the
allow-origin, expose-headers and credentials headers to other answers for an allowed origin,
in place of any the function set. The function URL's ``Cors`` (``AllowOrigins``...) and the
HTTP API's ``corsConfiguration`` (``allowOrigins``...) are read alike.
"""

from __future__ import annotations

from typing import Any

from localaws.moto_glue.front_doors.http import HttpAnswer, HttpRequest

_CORS_HEADERS = (
    "access-control-allow-origin",
    "access-control-allow-methods",
    "access-control-allow-headers",
    "access-control-expose-headers",
    "access-control-max-age",
    "access-control-allow-credentials",
)


def _setting(config: dict[str, Any], name: str) -> Any:
    return config.get(name, config.get(name[0].lower() + name[1:]))


def _allowed_origin(config: dict[str, Any], origin: str | None) -> str | None:
    origins = [str(o) for o in _setting(config, "AllowOrigins") or []]
    if origin is None or not origins:
        return None
    if "*" in origins:
        return origin if _setting(config, "AllowCredentials") else "*"
    return origin if origin in origins else None


def is_preflight(config: dict[str, Any] | None, request: HttpRequest) -> bool:
    return (
        bool(config)
        and request.method == "OPTIONS"
        and request.header("origin") is not None
        and request.header("access-control-request-method") is not None
    )


def preflight(config: dict[str, Any], request: HttpRequest) -> HttpAnswer:
    """The answer to a preflight request (no CORS headers for an origin not allowed)."""
    answer = HttpAnswer(200)
    allowed = _allowed_origin(config, request.header("origin"))
    if allowed is None:
        return answer
    answer.headers.append(("Access-Control-Allow-Origin", allowed))
    methods = _setting(config, "AllowMethods")
    if methods:
        answer.headers.append(("Access-Control-Allow-Methods", ",".join(methods)))
    headers = _setting(config, "AllowHeaders")
    if headers:
        answer.headers.append(("Access-Control-Allow-Headers", ",".join(headers)))
    max_age = _setting(config, "MaxAge")
    if max_age:
        answer.headers.append(("Access-Control-Max-Age", str(max_age)))
    if _setting(config, "AllowCredentials"):
        answer.headers.append(("Access-Control-Allow-Credentials", "true"))
    return answer


def apply(config: dict[str, Any] | None, request: HttpRequest, answer: HttpAnswer) -> None:
    """Put the configured CORS headers on an answer to an allowed origin."""
    if not config:
        return
    allowed = _allowed_origin(config, request.header("origin"))
    if allowed is None:
        return
    answer.headers = [(k, v) for k, v in answer.headers if k.lower() not in _CORS_HEADERS]
    answer.headers.append(("Access-Control-Allow-Origin", allowed))
    expose = _setting(config, "ExposeHeaders")
    if expose:
        answer.headers.append(("Access-Control-Expose-Headers", ",".join(expose)))
    if _setting(config, "AllowCredentials"):
        answer.headers.append(("Access-Control-Allow-Credentials", "true"))
