"""The ``Seam`` type: one moto name localaws relies on, and what is wrong with it in the
installed moto (``seams.py`` lists them and checks them at start)."""

from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass


@dataclass(frozen=True)
class Seam:
    """``module:Name.attribute`` must exist; with ``params``, a callable whose parameters
    begin with these names; with ``assigned``, a class whose ``__init__`` sets
    ``self.<assigned>``."""

    path: str
    params: tuple[str, ...] = ()
    assigned: str = ""
    #: Parameter names the callable must take, wherever they stand (passed by keyword).
    keywords: tuple[str, ...] = ()
    #: The group checked when first used rather than at start (a slow import):
    #: ``"stepfunctions"``; every seam in ``moto.cloudformation`` is ``"cloudformation"``
    #: (``seams.group_of``). Empty: checked at start.
    lazy: str = ""

    def problem(self) -> str | None:
        """What is wrong with this seam in the installed moto, or None."""
        module_name, _, attribute = self.path.partition(":")
        try:
            target: object = importlib.import_module(module_name)
        except ImportError as error:
            return f"{module_name} cannot be imported ({error})"
        for part in attribute.split(".") if attribute else ():
            if not hasattr(target, part):
                return f"{self.path} is missing"
            target = getattr(target, part)
        if self.params and not _starts_with(target, self.params):
            return f"{self.path} no longer takes ({', '.join(self.params)}, ...)"
        missing = [name for name in self.keywords if name not in _parameters(target)]
        if missing:
            return f"{self.path} no longer takes {', '.join(missing)}"
        if self.assigned and f"self.{self.assigned}" not in _init_source(target):
            return f"{self.path} no longer sets self.{self.assigned}"
        return None


def _parameters(target: object) -> list[str]:
    try:
        return list(inspect.signature(target).parameters)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return []


def _starts_with(target: object, params: tuple[str, ...]) -> bool:
    return _parameters(target)[: len(params)] == list(params)


def _init_source(target: object) -> str:
    try:
        return inspect.getsource(target.__init__)  # type: ignore[misc]
    except (TypeError, OSError):
        return ""


#: The parameters of a CloudFormation model's ``create_from_cloudformation_json``.
CFN_PARAMS = ("resource_name", "cloudformation_json", "account_id", "region_name")
