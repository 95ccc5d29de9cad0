"""nbgrader's check of each cell's nbgrader metadata, with its JSON schema checked once.

nbgrader runs ``CheckCellMetadata`` twice per notebook it autogrades. For every nbgrader cell it
calls ``jsonschema.validate``, which first checks nbgrader's own schema against the JSON Schema
meta-schema, then builds a validator: about 1 ms a cell, 0.1-0.2 s for the lab's four notebooks
of twenty-odd nbgrader cells each. ``CheckCellMetadataOnce`` makes the same checks, with one
validator per schema for the whole process. nbgrader_config.py puts it in place of nbgrader's.
"""

from __future__ import annotations

from typing import Any

from jsonschema import ValidationError
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from nbgrader.nbgraderformat.common import BaseMetadataValidator
from nbgrader.nbgraderformat.v3 import MetadataValidatorV3
from nbgrader.preprocessors import CheckCellMetadata

CORRUPT = "Notebook failed to validate; the nbgrader metadata may be corrupted."
_validators: dict[int, Any] = {}  # by nbgrader schema version


def _schema_validator(schema_version: int, schema: dict[str, Any]) -> Any:
    """A validator for nbgrader's schema of this version, the schema itself checked once."""
    if schema_version not in _validators:
        kind = validator_for(schema)
        kind.check_schema(schema)
        _validators[schema_version] = kind(schema)
    return _validators[schema_version]


class _SchemaOnce(BaseMetadataValidator):
    """Validates a cell's metadata against the schema with the validator made once; cells of
    another schema version get nbgrader's own handling (and its error)."""

    def validate_cell(self, cell: Any) -> None:
        meta = cell.metadata.get("nbgrader")
        if meta is None or meta.get("schema_version", 0) != self.schema_version:
            super().validate_cell(cell)
            return
        error = best_match(_schema_validator(self.schema_version, self.schema).iter_errors(meta))
        if error is not None:
            raise error


class QuickMetadataValidator(MetadataValidatorV3, _SchemaOnce):
    """nbgrader's current metadata validator: its checks of grade ids, points and cell types
    (``MetadataValidatorV3``), and the schema by ``_SchemaOnce`` (next in line after it)."""


class CheckCellMetadataOnce(CheckCellMetadata):
    """``CheckCellMetadata`` with ``QuickMetadataValidator``: the same checks and errors."""

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        try:
            QuickMetadataValidator().validate_nb(nb)
        except ValidationError as error:
            self.log.error("%s: %s", type(error).__name__, error)
            self.log.error(CORRUPT)
            raise ValidationError(CORRUPT) from error
        return nb, resources


def autograde_steps() -> dict[str, list[Any]]:
    """nbgrader's own preprocessors for autograding (``Autograde``'s two lists), with
    ``CheckCellMetadataOnce`` in place of ``CheckCellMetadata``."""
    from nbgrader.converters.autograde import Autograde

    traits = Autograde.class_traits()
    return {
        name: [
            CheckCellMetadataOnce if p is CheckCellMetadata else p for p in traits[name].default()
        ]
        for name in ("sanitize_preprocessors", "autograde_preprocessors")
    }
