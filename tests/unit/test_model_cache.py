"""The autograder kernels' cache of botocore's parsed API models: the same data, kept fresh."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.loaders import JSONFileLoader

from labcheck.autograde.model_cache import CachedJsonFileLoader, use_cached_models


def in_order(data: Any) -> str:
    """The data with its keys in their order (an OrderedDict and a dict compare equal anyway)."""
    return json.dumps(data)


def model_path(service: str) -> str:
    """Where botocore reads ``service``'s API model from (without the extension)."""
    loader = botocore.session.get_session().get_component("data_loader")
    version = loader.determine_latest_version(service, "service-2")
    return str(loader.load_data_with_path(f"{service}/{version}/service-2")[1])


@pytest.mark.parametrize("service", ["s3", "lambda", "sts"])
def test_models_read_through_the_cache_are_botocores_own(tmp_path: Path, service: str) -> None:
    path = model_path(service)
    own = JSONFileLoader().load_file(path)
    cached = CachedJsonFileLoader(tmp_path)
    first, again = cached.load_file(path), cached.load_file(path)  # parsed, then from the cache
    assert len(list(tmp_path.iterdir())) == 1
    assert in_order(first) == in_order(again) == in_order(own)


def test_a_changed_file_is_read_again(tmp_path: Path) -> None:
    source = tmp_path / "data" / "model"
    source.parent.mkdir()
    source.with_suffix(".json").write_text('{"version": 1}')
    cached = CachedJsonFileLoader(tmp_path / "cache")
    assert cached.load_file(str(source)) == {"version": 1}
    source.with_suffix(".json").write_text('{"version": 22}')  # another size
    assert cached.load_file(str(source)) == {"version": 22}


def test_an_unreadable_cache_entry_falls_back_to_the_json(tmp_path: Path) -> None:
    source = tmp_path / "model"
    source.with_suffix(".json").write_text('{"a": [1, 2]}')
    cached = CachedJsonFileLoader(tmp_path / "cache")
    cached.load_file(str(source))
    (entry,) = (tmp_path / "cache").iterdir()
    entry.write_bytes(b"\x00garbage")
    assert cached.load_file(str(source)) == {"a": [1, 2]}


def test_the_default_sessions_clients_use_it(tmp_path: Path) -> None:
    try:
        use_cached_models(tmp_path)
        client = boto3.client("s3", region_name="us-east-1", endpoint_url="http://127.0.0.1:9")
        assert client.meta.service_model.operation_model("PutObject").name == "PutObject"
        assert any(tmp_path.iterdir()), "the models it read are cached"
    finally:
        boto3.DEFAULT_SESSION = None
