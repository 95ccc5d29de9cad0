"""moto's data files: its API models read through one botocore loader, and its resource files
and botocore's JSON through the parsed-JSON cache, with the same contents."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from localaws.parsed_json import ParsedJsonCache


@pytest.fixture
def original() -> Iterator[None]:
    import botocore.loaders
    import moto.core.utils
    import moto.utilities.utils

    made = moto.core.utils.create_loader
    load_resource = moto.utilities.utils.load_resource
    file_loader = botocore.loaders.Loader.FILE_LOADER_CLASS
    yield
    moto.core.utils.create_loader = made
    moto.utilities.utils.load_resource = load_resource
    botocore.loaders.Loader.FILE_LOADER_CLASS = file_loader


def test_every_model_is_read_through_one_loader_with_the_same_contents(
    original: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import moto.core.loaders
    import moto.core.utils

    from localaws.moto_glue import model_files

    wanted = [("lambda", "service-2"), ("s3", "service-2"), ("lambda", "paginators-1")]
    expected = [moto.core.utils._load_service_model(*model) for model in wanted]
    made: list[object] = []

    def counted_loader() -> object:
        made.append(moto.core.loaders.create_loader())
        return made[-1]

    monkeypatch.setattr(moto.core.utils, "create_loader", counted_loader)
    model_files.install()
    assert [moto.core.utils._load_service_model(*model) for model in wanted] == expected
    assert len(made) == 1


@pytest.mark.parametrize(
    "resource",
    [
        "ec2/resources/instance_types.json",  # read as its .json.gz
        "ec2/resources/instance_type_offerings/region/us-east-1.json",
        "ec2/resources/amis.json",
    ],
)
def test_moto_resource_files_read_through_the_cache_are_the_same(
    tmp_path: Path, resource: str
) -> None:
    import moto
    import moto.utilities.utils

    from localaws.moto_glue.model_files import _cached

    own = moto.utilities.utils.load_resource(resource)
    cached = _cached(moto.utilities.utils.load_resource, Path(moto.__file__).parent,
                     ParsedJsonCache(tmp_path))  # fmt: skip
    first, again = cached(resource), cached(resource)
    assert len(list(tmp_path.iterdir())) == 1
    assert json.dumps(first) == json.dumps(again) == json.dumps(own)


def test_a_missing_resource_fails_as_moto_fails(tmp_path: Path) -> None:
    import moto
    import moto.utilities.utils

    from localaws.moto_glue.model_files import _cached

    cached = _cached(moto.utilities.utils.load_resource, Path(moto.__file__).parent,
                     ParsedJsonCache(tmp_path))  # fmt: skip
    with pytest.raises(FileNotFoundError):
        cached("ec2/resources/no-such-file.json")
