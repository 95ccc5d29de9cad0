"""The cache of parsed JSON files: the same data as parsing gives, fresh, and only in a folder
nobody else may write to."""

from __future__ import annotations

import json
import marshal
import os
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore.loaders import JSONFileLoader

from localaws.parsed_json import CachedJsonFileLoader, ParsedJsonCache


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


def test_a_missing_file_is_none_as_botocore_says(tmp_path: Path) -> None:
    cached = CachedJsonFileLoader(tmp_path / "cache")
    assert cached.load_file(str(tmp_path / "no-such-model")) is None
    assert JSONFileLoader().load_file(str(tmp_path / "no-such-model")) is None


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


def test_the_folder_is_made_private(tmp_path: Path) -> None:
    cache = ParsedJsonCache(tmp_path / "made" / "here")
    assert cache.usable()
    assert (tmp_path / "made" / "here").stat().st_mode & 0o777 == 0o700


def test_a_folder_others_may_write_to_is_neither_read_nor_written(tmp_path: Path) -> None:
    source = tmp_path / "model.json"
    source.write_text('{"real": true}')
    folder = tmp_path / "shared"
    folder.mkdir()
    os.chmod(folder, 0o777)
    planted = ParsedJsonCache(tmp_path / "private")  # what another user could plant there
    entry = planted.entry(str(source))
    assert entry is not None
    (folder / entry.name).write_bytes(marshal.dumps({"forged": True}))
    cache = ParsedJsonCache(folder)
    assert not cache.usable()
    assert cache.load(folder / entry.name, lambda: json.loads(source.read_text())) == {"real": True}
    assert [path.name for path in folder.iterdir()] == [entry.name]  # nothing written either


@pytest.mark.parametrize("change", ["another owner", "group-writable"])
def test_an_entry_that_is_not_this_users_own_is_not_read(tmp_path: Path, change: str) -> None:
    """The folder could be swapped after its check: each entry is checked as it is read."""
    source = tmp_path / "model.json"
    source.write_text('{"real": true}')
    cache = ParsedJsonCache(tmp_path / "cache")
    entry = cache.entry(str(source))
    assert entry is not None
    cache.load(entry, lambda: json.loads(source.read_text()))  # cached, this user's
    entry.write_bytes(marshal.dumps({"forged": True}))
    if change == "another owner":
        if os.geteuid() != 0:
            pytest.skip("only root can give a file to another user")
        os.chown(entry, os.geteuid() + 12345, -1)
    else:
        os.chmod(entry, 0o666)
    assert cache.load(entry, lambda: json.loads(source.read_text())) == {"real": True}
