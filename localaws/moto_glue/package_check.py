"""Deployment packages are checked when they are uploaded, as AWS does.

moto stores whatever bytes ``CreateFunction``, ``UpdateFunctionCode`` and
``PublishLayerVersion`` receive. AWS refuses a package it cannot unzip with
``InvalidParameterValueException`` ("Could not unzip uploaded file"). localaws refuses the
same, and also a member it will not unpack (an absolute path, ``..``, a symbolic link; AWS keeps
links), so the learner hears of it at upload rather than at the first invocation.
"""

from __future__ import annotations

from typing import Any

from moto.awslambda import models
from moto.awslambda.exceptions import InvalidParameterValueException

from localaws.executor.packages import BadPackageError, check_package

_original_zipfile_content = models._zipfile_content
_original_s3_content = models._s3_content


def _checked(content: tuple[bytes, int, str, str]) -> tuple[bytes, int, str, str]:
    try:
        check_package(content[0])
    except BadPackageError as error:
        raise InvalidParameterValueException(
            f"Could not unzip uploaded file. Please check your file, then try to upload again. "
            f"({error})"
        ) from None
    return content


def _zipfile_content(zipfile_content: str | bytes) -> tuple[bytes, int, str, str]:
    return _checked(_original_zipfile_content(zipfile_content))


def _s3_content(key: Any) -> tuple[bytes, int, str, str]:
    return _checked(_original_s3_content(key))


def install() -> None:
    models._zipfile_content = _zipfile_content
    models._s3_content = _s3_content
