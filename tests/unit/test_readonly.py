"""The grader's clients refuse writes; clients made later from the same session do not."""

from __future__ import annotations

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import EndpointConnectionError

from labcheck.collect.readonly import read_only_client
from labcheck.errors import ReadOnlyViolation

NOWHERE = {"endpoint_url": "http://127.0.0.1:9", "config": Config(retries={"max_attempts": 0})}


def test_the_guard_is_on_the_grader_client_only() -> None:
    session = boto3.Session(
        region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )
    grader = read_only_client(session, "s3", **NOWHERE)
    with pytest.raises(ReadOnlyViolation, match="s3:PutObject"):  # refused before sending
        grader.put_object(Bucket="b", Key="k", Body=b"x")
    with pytest.raises(EndpointConnectionError):  # a read is sent (and finds nobody)
        grader.list_buckets()
    learner = session.client("s3", **NOWHERE)  # the notebook's own, from the same session
    with pytest.raises(EndpointConnectionError):  # sent, not refused
        learner.put_object(Bucket="b", Key="k", Body=b"x")
