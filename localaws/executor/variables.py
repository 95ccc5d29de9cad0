"""The environment variables a runtime process starts with, as Lambda sets them."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from localaws.executor.config import FunctionConfig
from localaws.executor.entrypoint import is_custom_runtime


@dataclass(frozen=True)
class RuntimePlaces:
    """Where an environment's runtime finds things on this machine."""

    api: str  # the Runtime API's host:port
    task_root: Path
    opt: Path | None
    home: Path
    tmp: Path
    runtime_dir: Path
    runtime_packages: Path
    endpoint: str  # localaws, for the handler's own SDK calls


def runtime_variables(
    config: FunctionConfig,
    places: RuntimePlaces,
    logs: tuple[str, str],
    provisioned: bool,
    credentials: dict[str, str],
) -> dict[str, str]:
    """The function's own variables, then Lambda's (``logs``: its log group and stream;
    ``credentials``: the environment's own session keys, never the host's)."""
    opt = places.opt
    variables = dict(config.variables)
    variables.update(
        {
            "AWS_LAMBDA_FUNCTION_NAME": config.name,
            "AWS_LAMBDA_FUNCTION_VERSION": config.version,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(config.memory_mb),
            "AWS_LAMBDA_LOG_GROUP_NAME": logs[0],
            "AWS_LAMBDA_LOG_STREAM_NAME": logs[1],
            "AWS_LAMBDA_INITIALIZATION_TYPE": (
                "provisioned-concurrency" if provisioned else "on-demand"
            ),
            "AWS_LAMBDA_RUNTIME_API": places.api,
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{config.runtime}",
            "AWS_REGION": config.region,
            "AWS_DEFAULT_REGION": config.region,
            "AWS_ENDPOINT_URL": places.endpoint,
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "_HANDLER": config.handler,
            "LAMBDA_TASK_ROOT": str(places.task_root),
            "LAMBDA_RUNTIME_DIR": str(places.runtime_dir),
            "LOCALAWS_OPT_DIR": str(opt or ""),
            "LOCALAWS_RUNTIME_PACKAGES": str(places.runtime_packages),
            "LD_LIBRARY_PATH": f"{places.task_root}/lib" + (f":{opt}/lib" if opt else ""),
            "PATH": "/usr/local/bin:/usr/bin:/bin" + (f":{opt}/bin" if opt else ""),
            "HOME": str(places.home),
            "TMPDIR": str(places.tmp),
            "TZ": ":UTC",
            "LANG": "en_US.UTF-8",
            **credentials,
        }
    )
    if is_custom_runtime(config.runtime):  # AWS sets it for managed runtimes only
        del variables["AWS_EXECUTION_ENV"]
    return variables
