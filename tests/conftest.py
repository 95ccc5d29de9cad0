from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import AWS_TEST_ENV, ServerProcess, aws_client


@pytest.fixture(autouse=True)
def _no_real_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test runs with dummy credentials, never the host's own."""
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in AWS_TEST_ENV.items():
        monkeypatch.setenv(name, value)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One localaws server shared by the tests of a module."""
    process = ServerProcess(tmp_path_factory.mktemp("localaws-state"))
    process.start()
    yield process
    process.stop()


@pytest.fixture
def client_factory(server: ServerProcess) -> Callable[[str], Any]:
    def make(service: str) -> Any:
        return aws_client(server.endpoint, service)

    return make


@pytest.fixture
def as_owner(server: ServerProcess, monkeypatch: pytest.MonkeyPatch) -> ServerProcess:
    """This process's AWS settings are the module server owner's (as `localaws env` sets them)."""
    for name, value in server.client_env.items():
        monkeypatch.setenv(name, value)
    return server


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    return tmp_path / "state"
