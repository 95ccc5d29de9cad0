"""What the emulation depends on is pinned exactly, and the pins are what is installed."""

from __future__ import annotations

import importlib.metadata

from tests.helpers import PROJECT_ROOT
from tests.unit.test_environment_sync import pip_lines_of_environment_yml

PINNED = {"moto", "boto3", "botocore", "awscli"}


def pins() -> dict[str, str]:
    lines = (PROJECT_ROOT / "constraints.txt").read_text().splitlines()
    found = {}
    for line in lines:
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            found[name.strip()] = version.strip()
    return found


def test_the_emulations_dependencies_are_pinned_exactly() -> None:
    pinned = pins()
    assert set(pinned) >= PINNED
    assert all(version for version in pinned.values())


def test_the_installed_versions_are_the_pinned_ones() -> None:
    installed = {name: importlib.metadata.version(name) for name in pins()}
    assert installed == pins()


def test_conda_users_get_the_same_pins() -> None:
    exact = {line for line in pip_lines_of_environment_yml() if "==" in line}
    assert exact == {f"{name}=={version}" for name, version in pins().items()}
