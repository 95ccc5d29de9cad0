"""Two imports of moto's that slow every server's start, for features few requests use.

- jsonschema loads ``rfc3987_syntax`` if it is installed (about 3 s to build its grammar). It
  treats the package as optional and then skips only the "iri" string format, which moto never
  validates: it is left out.
- moto's API Gateway imports ``openapi_spec_validator`` (~0.2 s with pydantic and the
  validators) to check an OpenAPI document imported with ``failOnWarnings``. Until that first
  happens, the package is a placeholder: ``validate`` imports the real package when first
  called and hands over to it; the exception class moto catches is the package's own (its
  small module is loaded as usual), so an invalid document fails exactly as before.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
import types
from pathlib import Path
from typing import Any

VALIDATOR = "openapi_spec_validator"
#: The package whose ``__init__`` loads the validators (moto imports its exceptions module).
VALIDATION = f"{VALIDATOR}.validation"
_lock = threading.Lock()


def defer_slow_imports() -> None:
    """Before moto is imported (once is enough; again does nothing)."""
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    if VALIDATOR in sys.modules:
        return
    spec = importlib.util.find_spec(VALIDATOR)
    if spec is None or not spec.submodule_search_locations:
        return  # not installed: moto's own import error says so
    folders = list(spec.submodule_search_locations)
    package = _placeholder(VALIDATOR, folders)
    validation = _placeholder(VALIDATION, [str(Path(folder) / "validation") for folder in folders])
    package.validation = validation  # type: ignore[attr-defined]
    package.validate = validate  # type: ignore[attr-defined]
    sys.modules[VALIDATOR], sys.modules[VALIDATION] = package, validation


def validate(*args: Any, **kwargs: Any) -> Any:
    """``openapi_spec_validator.validate``, the real package imported at the first call."""
    return real_validator().validate(*args, **kwargs)


def real_validator() -> types.ModuleType:
    """The real ``openapi_spec_validator``, in place of the placeholders from now on."""
    with _lock:
        module = sys.modules.get(VALIDATOR)
        if module is None or getattr(module, "__placeholder__", False):
            sys.modules.pop(VALIDATOR, None)
            sys.modules.pop(VALIDATION, None)
            module = importlib.import_module(VALIDATOR)  # an ImportError says why, each call
            _bind_loaded_submodules()
        return module


def _bind_loaded_submodules() -> None:
    """Modules loaded under the placeholders (the exceptions) as attributes of the real
    packages, as an ordinary import would have made them."""
    for name, module in list(sys.modules.items()):
        parent, _, child = name.rpartition(".")
        package = sys.modules.get(parent) if parent.startswith(VALIDATOR) else None
        if package is not None and not hasattr(package, child):
            setattr(package, child, module)


def _placeholder(name: str, folders: list[str]) -> types.ModuleType:
    """A package named ``name`` whose submodules are found in ``folders`` (its own
    ``__init__`` is not run)."""
    module = types.ModuleType(name)
    module.__path__ = folders
    module.__placeholder__ = True  # type: ignore[attr-defined]
    return module
