"""Provisioned concurrency and GetAccountSettings, which moto does not serve.

``PutProvisionedConcurrencyConfig`` on a version or an alias answers 202 ``IN_PROGRESS``; the
``Provisioner`` then initializes that many environments of the version ahead of traffic
(their init is logged then) and marks the config ``READY``. Invocations of that version are
served by them without a cold start; more at once spill over to on-demand environments (the
executor's pool). The config is kept on the function in moto's model, so it survives a
restart (its environments are initialized again at start). ``GetAccountSettings`` counts it
against the account's unreserved concurrency, as AWS does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from typing import Any
from urllib.parse import parse_qs, unquote

from moto.awslambda.exceptions import LambdaClientError
from moto.awslambda.models import lambda_backends

from localaws.config import DEFAULT_ACCOUNT_ID
from localaws.events.queue_worker import QueueWorker
from localaws.executor.config import FunctionConfig
from localaws.moto_glue.functions import function_config
from localaws.moto_glue.protocol import credential_scope
from localaws.state.persistence import Persistence

CONFIG_PATH = re.compile(r"^/2019-09-30/functions/(?P<name>[^/]+)/provisioned-concurrency/?$")
SETTINGS_PATH = re.compile(r"^/2016-08-19/account-settings/?$")
ACCOUNT_CONCURRENCY = 1000
MINIMUM_UNRESERVED = 100
StartResponse = Callable[..., Any]
Job = tuple[str, str, str, str]  # account, region, function name, qualifier


class Provisioner(QueueWorker[Job]):
    """Initializes provisioned environments and marks configs READY, on a thread of its own."""

    def __init__(
        self,
        persistence: Persistence,
        provision: Callable[[FunctionConfig, int], int],
        unprovision: Callable[[FunctionConfig], None],
    ) -> None:
        super().__init__("provisioner")
        self.persistence = persistence
        self.provision = provision
        self.unprovision = unprovision

    def handle(self, job: Job) -> None:
        self._provision(*job)

    def start(self) -> None:
        """Start, with every saved config queued (its environments are made again)."""
        with self.persistence.reading():
            for account in list(dict.keys(lambda_backends)):
                for region, backend in list(dict.items(lambda_backends[account])):
                    for function in list(backend.list_functions()):
                        for qualifier in configs_of(function):
                            self.submit((account, region, function.function_name, qualifier))
        super().start()

    def _provision(self, account: str, region: str, name: str, qualifier: str) -> None:
        with self.persistence.reading():
            generation = self.persistence.generation
            try:
                backend = lambda_backends[account][region]
                latest = backend.get_function(name)
                version = backend.get_function(name, qualifier)
            except LambdaClientError:
                return  # deleted meanwhile
            wanted = configs_of(latest).get(qualifier)
            if wanted is None:
                return
            config = function_config(version)
        ready = self.provision(config, int(wanted["Requested"]))
        with self.persistence.writing():
            if generation != self.persistence.generation:
                return
            latest = lambda_backends[account][region].get_function(name)
            current = configs_of(latest).get(qualifier)
            if current is None or current["Requested"] != wanted["Requested"]:
                return  # changed meanwhile: its own job follows
            done = {**current, "Available": ready, "Allocated": ready}
            if ready < current["Requested"]:
                done["Status"] = "FAILED"
                done["StatusReason"] = "FUNCTION_ERROR_INIT_FAILURE"
            else:
                done["Status"] = "READY"
            _set_config(latest, qualifier, done)


_provisioner: Provisioner | None = None


def install(provisioner: Provisioner) -> None:
    global _provisioner
    _provisioner = provisioner


def configs_of(function: Any) -> dict[str, dict[str, Any]]:
    return dict(getattr(function, "provisioned_configs", None) or {})


def _set_config(function: Any, qualifier: str, config: dict[str, Any] | None) -> None:
    """Replace the whole mapping: published versions are shallow copies that share it."""
    configs = configs_of(function)
    if config is None:
        configs.pop(qualifier, None)
    else:
        configs[qualifier] = config
    function.provisioned_configs = configs


def handles(environ: dict[str, Any]) -> bool:
    path = environ.get("PATH_INFO", "")
    return bool(CONFIG_PATH.match(path) or SETTINGS_PATH.match(path))


def _reply(
    start_response: StartResponse, status: str, body: dict[str, Any] | None
) -> Iterable[bytes]:
    data = b"" if body is None else json.dumps(body).encode()
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
    if body and "__type" in body:
        headers.append(("X-Amzn-ErrorType", body["__type"]))
    start_response(status, headers)
    return [data]


def _error(start_response: StartResponse, status: str, kind: str, message: str) -> Iterable[bytes]:
    return _reply(start_response, status, {"__type": kind, "Type": "User", "message": message})


def _backend(environ: dict[str, Any]) -> Any:
    scope = credential_scope(environ)
    return lambda_backends[DEFAULT_ACCOUNT_ID][scope[0] if scope else "us-east-1"]


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+0000")


def _public(config: dict[str, Any]) -> dict[str, Any]:
    answer = {
        "RequestedProvisionedConcurrentExecutions": config["Requested"],
        "AvailableProvisionedConcurrentExecutions": config["Available"],
        "AllocatedProvisionedConcurrentExecutions": config["Allocated"],
        "Status": config["Status"],
        "LastModified": config["LastModified"],
    }
    if config.get("StatusReason"):
        answer["StatusReason"] = config["StatusReason"]
    return answer


def _committed(backend: Any) -> tuple[int, int]:
    """(reserved, provisioned) concurrency of every function in the account and region."""
    reserved = provisioned = 0
    for function in backend.list_functions():
        reserved += int(function.reserved_concurrency or 0)
        provisioned += sum(int(c["Requested"]) for c in configs_of(function).values())
    return reserved, provisioned


def _account_settings(backend: Any) -> dict[str, Any]:
    functions = list(backend.list_functions())
    reserved, provisioned = _committed(backend)
    return {
        "AccountLimit": {
            "TotalCodeSize": 80530636800,
            "CodeSizeUnzipped": 262144000,
            "CodeSizeZipped": 52428800,
            "ConcurrentExecutions": ACCOUNT_CONCURRENCY,
            "UnreservedConcurrentExecutions": ACCOUNT_CONCURRENCY - reserved - provisioned,
        },
        "AccountUsage": {
            "TotalCodeSize": sum(int(f.code_size or 0) for f in functions),
            "FunctionCount": len(functions),
        },
    }


def serve(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    """Answer the operation; the caller holds the persistence lock in the right mode."""
    backend = _backend(environ)
    path = environ.get("PATH_INFO", "")
    if SETTINGS_PATH.match(path):
        return _reply(start_response, "200 OK", _account_settings(backend))
    match = CONFIG_PATH.match(path)
    assert match is not None
    name = unquote(match["name"]).rsplit(":function:", 1)[-1].split(":")[0]
    query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
    method = environ.get("REQUEST_METHOD", "GET")
    try:
        latest = backend.get_function(name)
    except LambdaClientError as error:
        return _error(
            start_response, f"{error.code} Not Found", "ResourceNotFoundException", error.message
        )
    if method == "GET" and query.get("List") == "ALL":
        configs = [
            {
                "FunctionArn": f"{str(latest.function_arn).removesuffix(':$LATEST')}:{q}",
                **_public(c),
            }
            for q, c in configs_of(latest).items()
        ]
        return _reply(start_response, "200 OK", {"ProvisionedConcurrencyConfigs": configs})
    qualifier = query.get("Qualifier", "")
    if not qualifier or qualifier == "$LATEST":
        return _error(
            start_response, "400 Bad Request", "InvalidParameterValueException",
            "Provisioned Concurrency Configs cannot be applied to unpublished function versions.",
        )  # fmt: skip
    try:
        version = backend.get_function(name, qualifier)
    except LambdaClientError as error:
        return _error(start_response, "404 Not Found", "ResourceNotFoundException", error.message)
    existing = configs_of(latest).get(qualifier)
    if method == "GET":
        if existing is None:
            return _not_found(start_response)
        return _reply(start_response, "200 OK", _public(existing))
    if method == "DELETE":
        if existing is None:
            return _not_found(start_response)
        _set_config(latest, qualifier, None)
        if _provisioner is not None:
            _provisioner.unprovision(function_config(version))
        return _reply(start_response, "204 No Content", None)
    return _put(environ, start_response, backend, latest, version, qualifier)


def _not_found(start_response: StartResponse) -> Iterable[bytes]:
    return _error(
        start_response, "404 Not Found", "ProvisionedConcurrencyConfigNotFoundException",
        "No Provisioned Concurrency Config found for this function",
    )  # fmt: skip


def _put(
    environ: dict[str, Any],
    start_response: StartResponse,
    backend: Any,
    latest: Any,
    version: Any,
    qualifier: str,
) -> Iterable[bytes]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = json.loads(environ["wsgi.input"].read(length) or b"{}")
    requested = body.get("ProvisionedConcurrentExecutions")
    if not isinstance(requested, int) or requested < 1:
        return _error(
            start_response, "400 Bad Request", "ValidationException",
            "1 validation error detected: Value at 'provisionedConcurrentExecutions' failed to "
            "satisfy constraint: Member must have value greater than or equal to 1",
        )  # fmt: skip
    reserved = latest.reserved_concurrency
    if reserved is not None and requested > int(reserved):
        return _error(
            start_response, "400 Bad Request", "InvalidParameterValueException",
            "Requested Provisioned Concurrency should not be greater than the "
            f"reservedConcurrentExecution for function [{reserved}]",
        )  # fmt: skip
    all_reserved, all_provisioned = _committed(backend)
    before = int(configs_of(latest).get(qualifier, {}).get("Requested", 0))
    unreserved = ACCOUNT_CONCURRENCY - all_reserved - all_provisioned + before - requested
    if reserved is None and unreserved < MINIMUM_UNRESERVED:
        return _error(
            start_response, "400 Bad Request", "InvalidParameterValueException",
            "Specified ConcurrentExecutions for function decreases account's "
            f"UnreservedConcurrentExecution below its minimum value of [{MINIMUM_UNRESERVED}].",
        )  # fmt: skip
    config = {
        "Requested": requested, "Available": 0, "Allocated": 0,
        "Status": "IN_PROGRESS", "LastModified": _now(),
    }  # fmt: skip
    _set_config(latest, qualifier, config)
    if _provisioner is not None:
        _provisioner.submit((latest.account_id, latest.region, latest.function_name, qualifier))
    return _reply(start_response, "202 Accepted", _public(config))
