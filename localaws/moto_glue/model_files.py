"""The data files moto reads (botocore's API models and its own resource files), each parsed
once per server and read from a cache of its parsed form after the first server.

- moto reads each service's API model and pagination model through a botocore loader it makes
  anew each time (``moto.core.utils.create_loader``), and a new loader lists botocore's ~400
  data folders before it reads anything (~20 ms). Warming the server's services did that 22
  times. One loader, made at the first read, serves every read instead; each (service, model)
  is still read once, as moto keeps what it read.
- Every botocore loader in the server (moto's, and each boto3 session's) reads JSON through
  ``localaws.parsed_json``'s cache, and so does moto's ``load_resource``: importing moto's
  CloudFormation reads EC2's 92 instance-type files with it (~0.2 s).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

from localaws.parsed_json import CachedJsonFileLoader, ParsedJsonCache


def install() -> None:
    import botocore.loaders
    import moto
    import moto.core.utils
    import moto.utilities.utils

    botocore.loaders.Loader.FILE_LOADER_CLASS = CachedJsonFileLoader
    moto.core.utils.create_loader = functools.cache(moto.core.utils.create_loader)
    package = Path(moto.__file__).parent
    moto.utilities.utils.load_resource = _cached(  # type: ignore[assignment]
        moto.utilities.utils.load_resource, package
    )


def _cached(
    load_resource: Callable[[str], Any], package: Path, cache: ParsedJsonCache | None = None
) -> Callable[[str], Any]:
    """moto's ``load_resource`` (the JSON file ``resource`` names in moto's package, its
    ``.gz`` form first), reading through the cache."""
    cache = cache or ParsedJsonCache()

    def cached_load_resource(resource: str) -> Any:
        compressed = resource if resource.endswith(".gz") else f"{resource}.gz"
        for name in (compressed, resource):
            entry = cache.entry(str(package / name))
            if entry is not None:
                return cache.load(entry, functools.partial(load_resource, resource))
        return load_resource(resource)  # no such file: moto's own error

    return cached_load_resource
