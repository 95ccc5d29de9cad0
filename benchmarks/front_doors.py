"""Benchmark the HTTP front doors against a direct Invoke of the same warm function.

Run: ``.venv/bin/python -m benchmarks.front_doors [--runs 200]``. Starts its own localaws on a
free loopback port with throw-away state. Each round makes one call of each kind, in turn
(direct ``Invoke`` with boto3, the function URL and the REST API with a keep-alive
``requests`` session, and ``GetFunctionConfiguration`` as the control-plane round trip), so
the machine's noise falls on all of them alike. The goal: a front door's p50 is at most one
control-plane round trip above the direct Invoke's p50.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections.abc import Callable

import requests

from benchmarks.lambda_executor import client, deploy, server

TRIVIAL = "def lambda_handler(event, context):\n    return {'statusCode': 200, 'body': 'ok'}\n"


def _timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def _rest_api(endpoint: str, function_arn: str) -> str:
    api = client(endpoint, "apigateway")
    api_id = str(api.create_rest_api(name="bench")["id"])
    root = api.get_resources(restApiId=api_id)["items"][0]["id"]
    api.put_method(restApiId=api_id, resourceId=root, httpMethod="GET", authorizationType="NONE")
    uri = (
        f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{function_arn}/invocations"
    )
    api.put_integration(restApiId=api_id, resourceId=root, httpMethod="GET", type="AWS_PROXY",
                        integrationHttpMethod="POST", uri=uri)  # fmt: skip
    api.create_deployment(restApiId=api_id, stageName="prod")
    client(endpoint, "lambda").add_permission(
        FunctionName="bench-front-door", StatementId="apigw", Action="lambda:InvokeFunction",
        Principal="apigateway.amazonaws.com",
    )  # fmt: skip
    return f"{endpoint}/restapis/{api_id}/prod/_user_request_/"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200)
    runs = parser.parse_args().runs
    with server() as endpoint:
        lam = deploy(endpoint, "bench-front-door", TRIVIAL, memory=512)
        arn = lam.get_function_configuration(FunctionName="bench-front-door")["FunctionArn"]
        url = lam.create_function_url_config(FunctionName="bench-front-door", AuthType="NONE")[
            "FunctionUrl"
        ]
        for sid, action, extra in (
            ("url", "lambda:InvokeFunctionUrl", {"FunctionUrlAuthType": "NONE"}),
            ("public", "lambda:InvokeFunction", {"InvokedViaFunctionUrl": True}),
        ):
            lam.add_permission(FunctionName="bench-front-door", StatementId=sid, Action=action,
                               Principal="*", **extra)  # fmt: skip
        rest = _rest_api(endpoint, arn)
        session = requests.Session()
        calls: dict[str, Callable[[], object]] = {
            "direct Invoke": lambda: lam.invoke(FunctionName="bench-front-door")["Payload"].read(),
            "function URL": lambda: session.get(url).raise_for_status(),
            "REST API": lambda: session.get(rest).raise_for_status(),
            "GetFunctionConfiguration": lambda: lam.get_function_configuration(
                FunctionName="bench-front-door"
            ),
        }
        for call in calls.values():  # warm: the environment, the connections
            for _ in range(5):
                call()
        samples: dict[str, list[float]] = {name: [] for name in calls}
        for _ in range(runs):
            for name, call in calls.items():
                samples[name].append(_timed(call))
    p50 = {name: statistics.median(values) for name, values in samples.items()}
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"runs: {runs} of each, interleaved")
    for name, value in p50.items():
        print(f"  {name:<26} p50 {value:7.2f} ms")
    round_trip = p50["GetFunctionConfiguration"]
    for door in ("function URL", "REST API"):
        more = p50[door] - p50["direct Invoke"]
        verdict = "ok" if more <= round_trip else "OVER"
        print(
            f"  {door}: {more:+.2f} ms over direct Invoke (goal <= {round_trip:.2f} ms): {verdict}"
        )


if __name__ == "__main__":
    main()
