"""The autograder kernels read botocore's API models through localaws's parsed-JSON cache."""

from __future__ import annotations

from pathlib import Path

import boto3

from labcheck.autograde.model_cache import use_cached_models


def test_the_default_sessions_clients_use_it(tmp_path: Path) -> None:
    try:
        use_cached_models(tmp_path)
        client = boto3.client("s3", region_name="us-east-1", endpoint_url="http://127.0.0.1:9")
        assert client.meta.service_model.operation_model("PutObject").name == "PutObject"
        assert any(tmp_path.iterdir()), "the models it read are cached"
    finally:
        boto3.DEFAULT_SESSION = None
