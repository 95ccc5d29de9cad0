"""moto's region lists come from one shared boto3 session, with the same answers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from boto3.session import Session


@pytest.fixture
def original() -> Iterator[object]:
    method = Session.get_available_regions
    yield method
    Session.get_available_regions = method


@pytest.mark.parametrize(
    ("service", "partition"),
    [("ec2", "aws"), ("ec2", "aws-us-gov"), ("ec2", "aws-cn"), ("lambda", "aws"), ("s3", "aws")],
)
def test_the_same_regions_as_a_new_session_gives(
    original: object, service: str, partition: str
) -> None:
    from localaws.moto_glue import region_lists

    expected = Session().get_available_regions(service, partition_name=partition)
    region_lists.install()
    answers = [Session().get_available_regions(service, partition_name=partition) for _ in "ab"]
    assert answers == [expected, expected] and expected
    answers[0].append("changed-by-a-caller")  # each caller gets its own list
    assert Session().get_available_regions(service, partition_name=partition) == expected
