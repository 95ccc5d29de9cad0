"""What other packages (labcheck, the tests, the benchmarks) may use of localaws.

A private localaws (``EmbeddedServer``), the offline settings that keep a process away from
real AWS, small helpers to reach a running localaws, and the loader that reads botocore's
API models through the cache localaws's server uses (``CachedJsonFileLoader``). Everything
else in localaws is its own business and may move (import-linter keeps labcheck to this
module).
"""

from __future__ import annotations

from localaws.config import HOST_AWS_VARIABLES
from localaws.executor.runtimes import find_exact as find_python
from localaws.parsed_json import CachedJsonFileLoader
from localaws.server.client_env import admin_token, client_environment
from localaws.server.daemon import fetch_json, is_healthy, pid_alive, serves, wait_for
from localaws.server.embedded import OFFLINE_ENV, START_DEADLINE_SECONDS, EmbeddedServer
from localaws.server.moto_config import moto_config

__all__ = [
    "HOST_AWS_VARIABLES",
    "OFFLINE_ENV",
    "START_DEADLINE_SECONDS",
    "CachedJsonFileLoader",
    "EmbeddedServer",
    "admin_token",
    "client_environment",
    "fetch_json",
    "find_python",
    "is_healthy",
    "moto_config",
    "pid_alive",
    "serves",
    "wait_for",
]
