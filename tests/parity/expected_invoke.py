"""Recorded answers: Invoke with versions and aliases, errors, logs and request ids."""

from __future__ import annotations

from tests.parity.expected import (
    API,
    ARN,
    LAMBDA,
    LOG_GROUP,
    Recorded,
    config,
    context,
    not_found,
    report,
    status,
)

CREATE_PUBLISHED = Recorded(
    f"{LAMBDA}::TestLambdaFeatures::test_invocation_with_qualifier, creation-response",
    {**config("1"), **status(201)},
)
INVOKE_VERSION = Recorded(
    f"{LAMBDA}::TestLambdaFeatures::test_invocation_with_qualifier, invocation-response",
    {
        "ExecutedVersion": "1",
        "LogResult": "<log-result>",
        "Payload": {"event": {"foo": "bar with 'quotes\""}, "context": context("1", f"{ARN}:1")},
        "StatusCode": 200,
        **status(200),
    },
)
#: The tail minus REPORT lines, as the recorded test kept it.
TAIL_VERSION = Recorded(
    f"{LAMBDA}::TestLambdaFeatures::test_invocation_with_qualifier, log_result",
    [
        "START RequestId: <request-id> Version: 1",
        "Lambda log message - print function",
        "[INFO]\t<date>\t<request-id>\tLambda log message - logging module",
        "END RequestId: <request-id>",
    ],
)
INVOKE_ALIAS = Recorded(
    f"{LAMBDA}::TestLambdaAliases::test_lambda_alias_moving, invocation_result_qualifier_v1",
    {
        "ExecutedVersion": "1",
        "Payload": {"event": {}, "context": context("1", f"{ARN}:alias1")},
        "StatusCode": 200,
        **status(200),
    },
)
CREATE_ALIAS_ROUTING = Recorded(
    f"{API}::TestLambdaAlias::test_alias_lifecycle, create_alias_1_1",
    {
        "AliasArn": f"{ARN}:aliasname1_1",
        "Description": "custom-alias",
        "FunctionVersion": "1",
        "Name": "aliasname1_1",
        "RevisionId": "<revision>",
        "RoutingConfig": {"AdditionalVersionWeights": {"2": 0.2}},
        **status(201),
    },
)
UPDATE_ALIAS = Recorded(
    f"{API}::TestLambdaAlias::test_alias_lifecycle, update_alias_1_1 (a new RevisionId)",
    {
        "AliasArn": f"{ARN}:aliasname1_1",
        "Description": "custom-alias",
        "FunctionVersion": "1",
        "Name": "aliasname1_1",
        "RevisionId": "<uuid>",
        **status(200),
    },
)
GET_UNKNOWN_ALIAS = Recorded(
    f"{API}::TestLambdaAlias::test_alias_lifecycle, get_function_alias_notfound_exc",
    not_found(f"Function not found: {ARN}:aliasdoesnotexist"),
)
INVOKE_UNKNOWN_FUNCTION = Recorded(
    f"{LAMBDA}::TestLambdaFeatures::test_invoke_exceptions, invoke_function_doesnotexist",
    not_found("Function not found: arn:aws:lambda:us-east-1:123456789012:function:<fn>:$LATEST"),
)
GET_UNKNOWN_FUNCTION = Recorded(
    f"{API}::TestLambdaFunction::test_ops_on_nonexisting_fn[get_function]",
    not_found(f"Function not found: {ARN}"),
)
HANDLER_ERROR = Recorded(
    f"{LAMBDA}::TestLambdaErrors::test_lambda_handler_error, invocation_error",
    {
        "ExecutedVersion": "$LATEST",
        "FunctionError": "Unhandled",
        "Payload": {
            "errorMessage": "Handler fails",
            "errorType": "Exception",
            "requestId": "<request-id>",
            "stackTrace": [
                '  File "/var/task/lambda_function.py", line 2, in lambda_handler\n'
                '    raise Exception("Handler fails")\n'
            ],
        },
        "StatusCode": 200,
        **status(200),
    },
)
#: The runtime's own frames (importlib) come first, their line numbers normalised.
INIT_ERROR = Recorded(
    f"{LAMBDA}::TestLambdaErrors::test_lambda_runtime_error, invocation_error",
    {
        "ExecutedVersion": "$LATEST",
        "FunctionError": "Unhandled",
        "Payload": {
            "errorMessage": "Runtime startup fails",
            "errorType": "Exception",
            "requestId": "",
            "stackTrace": [
                '  File "/var/lang/lib/python3.X/importlib/__init__.py", line <n>, in import_module'
                "\n    return _bootstrap._gcd_import(name[level:], package, level)\n",
                *(
                    f'  File "<frozen importlib._bootstrap{where}>", line <n>, in {name}\n'
                    for where, name in (
                        ("", "_gcd_import"),
                        ("", "_find_and_load"),
                        ("", "_find_and_load_unlocked"),
                        ("", "_load_unlocked"),
                        ("_external", "exec_module"),
                        ("", "_call_with_frames_removed"),
                    )
                ),
                '  File "/var/task/lambda_function.py", line 1, in <module>\n'
                '    raise Exception("Runtime startup fails")\n',
            ],
        },
        "StatusCode": 200,
        **status(200),
    },
)
TIMEOUT = Recorded(
    f"{LAMBDA}::TestLambdaBehavior::test_lambda_invoke_with_timeout, invoke-result",
    {
        "ExecutedVersion": "$LATEST",
        "FunctionError": "Unhandled",
        "Payload": {
            "errorType": "Sandbox.Timedout",
            "errorMessage": "RequestId: <request-id> Error: Task timed out after 1.00 seconds",
        },
        "StatusCode": 200,
        **status(200),
    },
)
INVALID_PAYLOAD = Recorded(
    f"{LAMBDA}::TestLambdaErrors::test_lambda_invoke_payload_encoding_error[body-...]",
    {
        "Error": {"Code": "InvalidRequestContentException", "Message": "<message>"},
        "Type": "User",
        "message": "<message>",
        **status(400),
    },
)
EVENT = Recorded(
    f"{LAMBDA}::TestLambdaFeatures::test_invocation_type_event[python3.10], invoke-result",
    {"Payload": "", "StatusCode": 202, **status(202)},
)
DRY_RUN = Recorded(
    f"{LAMBDA}::TestLambdaFeatures::test_invocation_type_dry_run[python3.10], invoke-result",
    {"Payload": "", "StatusCode": 204, **status(204)},
)
REQUEST_ID_LOGS = Recorded(
    f"{LAMBDA}::TestRequestIdHandling::test_request_id_invoke, log_entries",
    [
        "START RequestId: <request-id> Version: $LATEST",
        "[INFO]\t<date>\t<request-id>\tRequestId log message",
        "END RequestId: <request-id>",
        report(init=True).removesuffix("\t"),
    ],
)
#: The LogType=Tail log of a cold start: the invocation's own lines, each ending in a newline.
TAIL_LOGS = Recorded(
    f"{LAMBDA}::TestLambdaFeatures::test_invocation_with_logs[python3.10], logs",
    [
        "START RequestId: <request-id> Version: $LATEST\n",
        "{}\n",
        "END RequestId: <request-id>\n",
        report(init=True) + "\n",
    ],
)
#: CloudWatch keeps each line's newline (and a carriage return inside one); no empty events.
MULTI_LINE_PRINTS = Recorded(
    "test_lambda_runtimes.py::TestCloudwatchLogs::test_multi_line_prints, log-events",
    [
        "INIT_START Runtime Version: python:3.12.v<n>\t"
        "Runtime Version ARN: arn:aws:lambda:us-east-1::runtime:<runtime-hash>\n",
        "START RequestId: <request-id> Version: $LATEST\n",
        "multi\n",
        "line\n",
        "string\n",
        "another\rline\n",
        "END RequestId: <request-id>\n",
        report(init=True) + "\n",
    ],
)
#: An unhandled error is one event: lines joined by newlines, indentation as no-break spaces.
ERROR_LOG_EVENT = Recorded(
    f"{LAMBDA}::TestLambdaFeatures::test_invocation_type_event_error, log_events[2]",
    "[ERROR] CustomException: some error occurred\nTraceback (most recent call last):\n"
    '\u00a0\u00a0File "/var/task/lambda_function.py", line 5, in lambda_handler\n'
    '\u00a0\u00a0\u00a0\u00a0raise CustomException("some error occurred")',
)
ASYNC_RETRY_ENDS = Recorded(
    f"{LAMBDA}::TestRequestIdHandling::test_request_id_async_invoke_with_retry, end_messages",
    ["END RequestId: <request-id>", "END RequestId: <request-id>"],
)
LOG_GROUP_NAME = LOG_GROUP
