"""Recorded answers: asynchronous invocation, destinations, event source mappings with SQS,
concurrency, function states and tracing."""

from __future__ import annotations

from typing import Any

from tests.parity.expected import (
    API,
    ARN,
    DESTINATIONS,
    LAMBDA,
    QUEUE,
    SQS,
    Recorded,
    config,
    context,
    not_found,
    report,
    status,
)

MAPPINGS = "arn:aws:lambda:us-east-1:123456789012:event-source-mapping"
EMPTY_DESTINATIONS = {"OnFailure": {}, "OnSuccess": {}}


def message(body: Any, **extra: Any) -> dict[str, Any]:
    return {
        "Body": body,
        "MD5OfBody": "<md5>",
        "MessageId": "<uuid>",
        "ReceiptHandle": "<receipt-handle>",
        **extra,
    }


def record(condition: str, request: Any, response: Any, error: bool = False) -> dict[str, Any]:
    """A destination record as Lambda sends it to SQS."""
    context_ = {"statusCode": 200, "executedVersion": "$LATEST"}
    if error:
        context_["functionError"] = "Unhandled"
    return {
        "version": "1.0",
        "timestamp": "<date>",
        "requestContext": {
            "requestId": "<request-id>",
            "functionArn": f"{ARN}:$LATEST",
            "condition": condition,
            "approximateInvokeCount": 1,
        },
        "requestPayload": request,
        "responseContext": context_,
        "responsePayload": response,
    }


PUT_INVOKE_CONFIG = Recorded(
    f"{API}::TestLambdaEventInvokeConfig::test_lambda_eventinvokeconfig_lifecycle, "
    "put_invokeconfig_retries_0",
    {
        "DestinationConfig": EMPTY_DESTINATIONS,
        "FunctionArn": f"{ARN}:$LATEST",
        "LastModified": "<date>",
        "MaximumRetryAttempts": 0,
        **status(200),
    },
)
UPDATE_INVOKE_CONFIG = Recorded(
    f"{API}::TestLambdaEventInvokeConfig::test_lambda_eventinvokeconfig_lifecycle, "
    "update_invokeconfig_retries",
    {
        "DestinationConfig": EMPTY_DESTINATIONS,
        "FunctionArn": f"{ARN}:$LATEST",
        "LastModified": "<date>",
        "MaximumEventAgeInSeconds": 60,
        "MaximumRetryAttempts": 1,
        **status(200),
    },
)
LIST_INVOKE_CONFIGS = Recorded(
    f"{API}::TestLambdaEventInvokeConfig::test_lambda_eventinvokeconfig_exceptions, list_configs",
    {
        "FunctionEventInvokeConfigs": [
            {
                "DestinationConfig": EMPTY_DESTINATIONS,
                "FunctionArn": f"{ARN}:$LATEST",
                "LastModified": "<date>",
                "MaximumEventAgeInSeconds": 60,
                "MaximumRetryAttempts": 0,
            },
            {
                "DestinationConfig": EMPTY_DESTINATIONS,
                "FunctionArn": f"{ARN}:1",
                "LastModified": "<date>",
                "MaximumRetryAttempts": 1,
            },
            {
                "DestinationConfig": EMPTY_DESTINATIONS,
                "FunctionArn": f"{ARN}:eventinvokealias",
                "LastModified": "<date>",
                "MaximumRetryAttempts": 1,
            },
        ],
        **status(200),
    },
)
INVOKE_CONFIG_NOT_FOUND = Recorded(
    f"{API}::TestLambdaFunction::test_ops_on_nonexisting_fn[get_function_event_invoke_config]",
    not_found(f"The function {ARN}:$LATEST doesn't have an EventInvokeConfig"),
)
SUCCESS_RECORD = Recorded(
    f"{DESTINATIONS}::TestLambdaDestinationSqs::test_assess_lambda_destination_invocation"
    "[Success-payload0], receive_message_result",
    [message(record("Success", {}, {"event": {}, "context": context("$LATEST", ARN)}))],
)
FAILURE_RECORD = Recorded(
    f"{DESTINATIONS}::TestLambdaDestinationSqs::test_assess_lambda_destination_invocation"
    "[payload1], receive_message_result",
    [
        message(
            record(
                "RetriesExhausted",
                {"raise_error": 1},
                {
                    "errorMessage": "Test exception (this is intentional)",
                    "errorType": "Exception",
                    "requestId": "<request-id>",
                    "stackTrace": [
                        '  File "/var/task/lambda_function.py", line 3, in lambda_handler\n'
                        '    raise Exception("Test exception (this is intentional)")\n'
                    ],
                },
                error=True,
            )
        )
    ],
)
DEAD_LETTER = Recorded(
    f"{DESTINATIONS}::TestLambdaDLQ::test_dead_letter_queue, receive_result",
    [
        message(
            {"raise_error": 1},
            MD5OfMessageAttributes="<md5>",
            MessageAttributes={
                "ErrorCode": {"DataType": "Number", "StringValue": "200"},
                "ErrorMessage": {
                    "DataType": "String",
                    "StringValue": "Test exception (this is intentional)",
                },
                "RequestID": {"DataType": "String", "StringValue": "<request-id>"},
            },
        )
    ],
)
CONCURRENCY = Recorded(
    f"{LAMBDA}::TestLambdaConcurrency::test_lambda_concurrency_crud",
    [
        status(200),
        {"ReservedConcurrentExecutions": 0, **status(200)},
        {"ReservedConcurrentExecutions": 0, **status(200)},
        status(200),
    ],
)
THROTTLED = Recorded(
    f"{LAMBDA}::TestLambdaConcurrency::test_reserved_concurrency, exc_no_cap_requestresponse",
    {
        "Error": {"Code": "TooManyRequestsException", "Message": "Rate Exceeded."},
        "Reason": "ReservedFunctionConcurrentInvocationLimitExceeded",
        "Type": "User",
        "message": "Rate Exceeded.",
        **status(429),
    },
)
ZERO_CONCURRENCY_RECORD = Recorded(
    f"{LAMBDA}::TestLambdaConcurrency::test_reserved_concurrency, msg (Body)",
    {
        "version": "1.0",
        "timestamp": "<date>",
        "requestContext": {
            "requestId": "<request-id>",
            "functionArn": f"{ARN}:$LATEST",
            "condition": "ZeroReservedConcurrency",
            "approximateInvokeCount": 0,
        },
        "requestPayload": {},
    },
)
PROVISIONED = Recorded(
    f"{LAMBDA}::TestLambdaConcurrency::test_provisioned_concurrency, put_provisioned_5",
    {
        "AllocatedProvisionedConcurrentExecutions": 0,
        "AvailableProvisionedConcurrentExecutions": 0,
        "LastModified": "<date>",
        "RequestedProvisionedConcurrentExecutions": 1,
        "Status": "IN_PROGRESS",
        **status(202),
    },
)
PROVISIONED_READY = Recorded(
    f"{LAMBDA}::TestLambdaConcurrency::test_provisioned_concurrency, get_provisioned_postwait",
    {
        "AllocatedProvisionedConcurrentExecutions": 1,
        "AvailableProvisionedConcurrentExecutions": 1,
        "LastModified": "<date>",
        "RequestedProvisionedConcurrentExecutions": 1,
        "Status": "READY",
        **status(200),
    },
)
FUNCTION_STATE = Recorded(
    f"{LAMBDA}::TestLambdaBaseFeatures::test_function_state, create-fn-response",
    {**config(), **status(201)},
)
FUNCTION_ACTIVE = Recorded(
    f"{LAMBDA}::TestLambdaBaseFeatures::test_function_state, get-fn-response (Configuration)",
    config(State="Active", StateReason=None, StateReasonCode=None, LastUpdateStatus="Successful"),
)


def mapping(state: str, code: int, function_arn: str = ARN) -> dict[str, Any]:
    return {
        "BatchSize": 10,
        "EventSourceArn": QUEUE,
        "EventSourceMappingArn": f"{MAPPINGS}:<uuid>",
        "FunctionArn": function_arn,
        "FunctionResponseTypes": [],
        "LastModified": "<date>",
        "MaximumBatchingWindowInSeconds": 1,
        "State": state,
        "StateTransitionReason": "USER_INITIATED",
        "UUID": "<uuid>",
        **status(code),
    }


MAPPING_CREATED = Recorded(
    f"{SQS}::TestSQSEventSourceMapping::test_sqs_event_source_mapping_update, "
    "create-event-source-mapping-response",
    mapping("Creating", 202),
)
MAPPING_UPDATED = Recorded(
    f"{SQS}::TestSQSEventSourceMapping::test_sqs_event_source_mapping_update, updated_esm",
    mapping("Updating", 202, f"{ARN}:1"),
)
MAPPING_ENABLED = Recorded(
    f"{SQS}::TestSQSEventSourceMapping::test_sqs_event_source_mapping_update, "
    "updated_event_source_mapping",
    mapping("Enabled", 200),
)


def sqs_record(body: str, attributes: dict[str, Any], md5: str | None) -> dict[str, Any]:
    return {
        "messageId": "<uuid>",
        "receiptHandle": "<receipt-handle>",
        "body": body,
        "attributes": {
            "ApproximateReceiveCount": "1",
            "SentTimestamp": "<timestamp>",
            "SenderId": "<sender-id>",
            "ApproximateFirstReceiveTimestamp": "<timestamp>",
        },
        "messageAttributes": attributes,
        "md5OfMessageAttributes": md5,
        "md5OfBody": "<md5>",
        "eventSource": "aws:sqs",
        "eventSourceARN": QUEUE,
        "awsRegion": "us-east-1",
    }


SQS_RECORD = Recorded(
    f"{SQS}::TestSQSEventSourceMapping::test_sqs_event_source_mapping_update, events",
    sqs_record('{"foo": "bar"}', {}, None),
)
SQS_RECORD_ATTRIBUTES = Recorded(
    f"{SQS}::test_message_body_and_attributes_passed_correctly, first_attempt",
    sqs_record(
        "books",
        {
            "WeeksOn": {
                "stringValue": "6",
                "stringListValues": [],
                "binaryListValues": [],
                "dataType": "Number",
            },
            "Author": {
                "stringValue": "John Grisham",
                "stringListValues": [],
                "binaryListValues": [],
                "dataType": "String",
            },
            "Title": {
                "stringValue": "The Whistler",
                "stringListValues": [],
                "binaryListValues": [],
                "dataType": "String",
            },
        },
        "d25a6aea97eb8f585bfa92d314504a92",
    ),
)
#: AWS documentation, "Log and monitor Python Lambda functions" (the REPORT example with
#: tracing on): the XRAY line follows REPORT in the same event; the handler sees Sampled=1.
TRACED_REPORT = Recorded(
    "docs.aws.amazon.com/lambda/latest/dg/python-logging.html, REPORT with X-Ray",
    report(init=True, extra="\nXRAY TraceId: <trace-id>\tSegmentId: <segment-id>\tSampled: true\t")
    + "\n",
)
