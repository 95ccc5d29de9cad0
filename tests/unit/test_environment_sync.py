"""environment.yml (conda) lists the same packages as pyproject.toml."""

from __future__ import annotations

import re
import sys

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from tests.helpers import PROJECT_ROOT


def pip_lines_of_environment_yml() -> set[str]:
    text = (PROJECT_ROOT / "environment.yml").read_text()
    pip_section = text.split("- pip:", 1)[1]
    return {m.group(1).strip() for m in re.finditer(r"^\s+- (.+)$", pip_section, re.MULTILINE)}


def test_environment_yml_matches_pyproject() -> None:
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    wanted = set(project["dependencies"]) | set(project["optional-dependencies"]["dev"])
    ranges = {line for line in pip_lines_of_environment_yml() if "==" not in line}
    assert ranges == wanted  # the exact pins beside them are constraints.txt's (test_pins)
