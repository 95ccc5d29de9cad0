"""Errors from inside moto reach SDKs as AWS-shaped service errors, in each protocol."""

from __future__ import annotations

import io
from typing import Any

import botocore.session
import pytest
from botocore.parsers import create_parser

from localaws.moto_glue import errors as aws_errors
from localaws.server.app import _answer_aws


def environ_for(service: str, operation: str, **extra: Any) -> dict[str, Any]:
    """A WSGI environ as boto3 would send ``operation`` (headers that matter here only)."""
    model = botocore.session.get_session().get_service_model(service)
    signing = model.signing_name
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/",
        "QUERY_STRING": "",
        "wsgi.input": io.BytesIO(b""),
        "HTTP_AUTHORIZATION": (
            f"AWS4-HMAC-SHA256 Credential=testing/20261129/us-east-1/{signing}/aws4_request, "
            "SignedHeaders=host, Signature=0"
        ),
    }
    if model.protocol in ("json", "smithy-rpc-v2-cbor"):
        environ["HTTP_X_AMZ_TARGET"] = f"{model.metadata['targetPrefix']}.{operation}"
        environ["CONTENT_TYPE"] = "application/x-amz-json-1.0"
    elif model.protocol == "query":
        body = f"Action={operation}&Version={model.api_version}".encode()
        environ["CONTENT_TYPE"] = "application/x-www-form-urlencoded; charset=utf-8"
        environ["CONTENT_LENGTH"] = str(len(body))
        environ["wsgi.input"] = io.BytesIO(body)
    else:
        http = model.operation_model(operation).http
        environ["REQUEST_METHOD"] = http["method"]
        path, _, query = http["requestUri"].partition("?")
        environ["PATH_INFO"] = path.replace("{FunctionName}", "f")
        environ["QUERY_STRING"] = query
    environ.update(extra)
    return environ


def parsed_error(service: str, operation: str, answer: aws_errors.Answer) -> dict[str, Any]:
    """What botocore makes of the answer, as a client of ``service`` would."""
    model = botocore.session.get_session().get_service_model(service)
    protocol = "json" if model.protocol == "smithy-rpc-v2-cbor" else model.protocol
    status, headers, body = answer
    response = {
        "status_code": int(status.split()[0]),
        "headers": dict(headers),
        "body": body,
    }
    output = model.operation_model(operation).output_shape
    parsed: dict[str, Any] = create_parser(protocol).parse(response, output)
    return parsed


CASES = [
    ("lambda", "ListProvisionedConcurrencyConfigs"),
    ("logs", "DescribeMetricFilters"),
    ("sqs", "ListMessageMoveTasks"),
    ("sns", "ListOriginationNumbers"),
    ("iam", "ListOpenIDConnectProviders"),
    ("s3", "GetBucketIntelligentTieringConfiguration"),
    ("stepfunctions", "ListMapRuns"),
]


@pytest.mark.parametrize(("service", "operation"), CASES)
def test_unsupported_operations_are_501_in_the_services_protocol(
    service: str, operation: str
) -> None:
    environ = environ_for(service, operation)
    answer = aws_errors.unsupported_operation(environ)
    assert answer[0] == "501 Not Implemented"
    error = parsed_error(service, operation, answer)["Error"]
    assert error["Code"] == "NotImplemented"
    if service != "s3":  # S3 names operations by path
        assert f"localaws does not support {operation}" in error["Message"]


def test_lambda_operations_are_named_by_path_method_and_query() -> None:
    listing = environ_for("lambda", "ListProvisionedConcurrencyConfigs")
    getting = environ_for("lambda", "GetProvisionedConcurrencyConfig", QUERY_STRING="Qualifier=1")
    assert aws_errors.operation_name(listing) == "ListProvisionedConcurrencyConfigs"
    assert aws_errors.operation_name(getting) == "GetProvisionedConcurrencyConfig"


def raising(error: BaseException) -> Any:
    def app(environ: dict[str, Any], start_response: Any) -> Any:
        raise error

    return app


def html_404(environ: dict[str, Any], start_response: Any) -> Any:
    start_response("404 NOT FOUND", [("Content-Type", "text/html; charset=utf-8")])
    return [b"<!doctype html><title>404 Not Found</title>"]


def test_a_bodiless_404_is_left_alone() -> None:
    def head_404(environ: dict[str, Any], start_response: Any) -> Any:
        start_response("404 NOT FOUND", [("Content-Type", "text/html; charset=utf-8")])
        return [b""]

    environ = environ_for("s3", "HeadObject", REQUEST_METHOD="HEAD", PATH_INFO="/b/k")
    assert _answer_aws(head_404, environ)[0] == "404 NOT FOUND"


def test_a_failure_inside_moto_is_an_aws_internal_failure() -> None:
    environ = environ_for("sqs", "ListQueues")
    answer = _answer_aws(raising(KeyError("queue")), environ)
    assert answer[0].startswith("500")
    error = parsed_error("sqs", "ListQueues", answer)["Error"]
    assert error["Code"] == "InternalFailure"
    assert "ListQueues" in error["Message"] and "KeyError" in error["Message"]


def test_not_implemented_and_unrouted_paths_are_unsupported_operations() -> None:
    environ = environ_for("iam", "ListOpenIDConnectProviders")
    answer = _answer_aws(raising(NotImplementedError("no")), environ)
    assert parsed_error("iam", "ListOpenIDConnectProviders", answer)["Error"]["Code"] == (
        "NotImplemented"
    )
    unrouted = environ_for("lambda", "ListProvisionedConcurrencyConfigs")
    answer = _answer_aws(html_404, unrouted)
    assert answer[0].startswith("501")
    assert parsed_error("lambda", "ListProvisionedConcurrencyConfigs", answer)["Error"] == {
        "Code": "NotImplemented",
        "Message": answer[2].decode().split('"message": "')[1].rstrip('"}'),
    }
