"""The moto (and botocore, boto3) names localaws relies on to start faster (part of
``seams.SEAMS``): shared region lists and model loader, cached data files, deferred imports."""

from __future__ import annotations

from localaws.moto_glue.seam_type import Seam

START_UP_SEAMS = (
    # One session's region lists (region_lists).
    Seam(
        "boto3.session:Session.get_available_regions",
        ("self", "service_name", "partition_name", "allow_non_regional"),
    ),
    # One loader for moto's API models; its data files read through a cache (model_files).
    Seam("moto.core.utils:create_loader"),
    Seam("moto.core.utils:_load_service_model", ("service_name", "model_name")),
    Seam("moto.utilities.utils:load_resource", ("resource",)),
    Seam("botocore.loaders:Loader.FILE_LOADER_CLASS"),
    # API Gateway's OpenAPI validator, imported at its first use (server/slow_imports.py).
    Seam("moto.apigateway.models:validate"),
    Seam("moto.apigateway.models:OpenAPIValidationError"),
)
