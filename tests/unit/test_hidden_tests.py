"""Hidden tests fail plausible wrong answers, not only blanks (run on the source notebooks).

Each question's graded cell (hidden tests included) runs against the model answer, which must
pass, and against wrong answers a learner could plausibly give, which must fail. Questions
that need a live account (the demos' results) are checked by the course test instead.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
from types import ModuleType, SimpleNamespace
from typing import Any

import nbformat
import pytest

import labcheck
from labcheck.quiz.feedback import NotYet, written_messages
from tests.course.check_messages import BARE_ASSERTS, visible_part
from tests.helpers import PROJECT_ROOT

NOTEBOOKS = PROJECT_ROOT / "notebooks"
WELCOME = NOTEBOOKS / "00-welcome/00-welcome.ipynb"
MICRO = NOTEBOOKS / "01-serverless-and-microservices/01-serverless-and-microservices.ipynb"
EVENTS = NOTEBOOKS / "02-event-driven-architecture/02-event-driven-architecture.ipynb"
FUNDAMENTALS = NOTEBOOKS / "03-lambda-fundamentals/03-lambda-fundamentals.ipynb"
INVOCATION = NOTEBOOKS / "04-invocation-types/04-invocation-types.ipynb"
PRICING = NOTEBOOKS / "06-limits-and-pricing/06-limits-and-pricing.ipynb"
CONFIGURATION = (
    NOTEBOOKS / "07-configuration-and-best-practices/07-configuration-and-best-practices.ipynb"
)
MONITORING = NOTEBOOKS / "08-monitoring/08-monitoring.ipynb"
SERVICES = NOTEBOOKS / "09-serverless-services/09-serverless-services.ipynb"
SNS, SQS, FIFO = (
    "a new user must trigger a welcome e-mail, a CRM update and analytics at once",
    "image jobs arrive in bursts and one worker should process them at its own pace",
    "a bank account's transactions must be applied in order, never twice",
)


def cell(path: Any, grade_id: str) -> str:
    notebook = nbformat.read(path, as_version=4)
    [found] = [
        c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id
    ]
    return str(found.source)


def run_graded_cell(test_source: str, **answers: Any) -> tuple[Exception | None, str]:
    """The error the graded cell (hidden tests included) fails with, if any, and its output."""
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            exec(test_source, {"labcheck": labcheck, **answers})
    except Exception as error:  # any error fails a graded cell, as in nbgrader
        return error, printed.getvalue()
    return None, printed.getvalue()


def passes(test_source: str, **answers: Any) -> bool:
    return run_graded_cell(test_source, **answers)[0] is None


def test_09_q1_grades_by_scenario_not_by_order() -> None:
    tests = cell(SERVICES, "q1-tests")
    assert passes(tests, choice={SNS: "sns", SQS: "sqs", FIFO: "sqs-fifo"})
    assert passes(tests, choice={FIFO: "sqs-fifo", SNS: "sns", SQS: "sqs"})  # another order


@pytest.mark.parametrize(
    "wrong",
    [
        {"x": "sns", "y": "sqs", "z": "sqs-fifo"},  # the right values under made-up keys
        {SNS: "sqs", SQS: "sns", FIFO: "sqs-fifo"},
        {SNS: "sns", SQS: "sqs-fifo", FIFO: "sqs"},
        {SNS: "sns", SQS: "sqs", FIFO: "sqs"},
    ],
)
def test_09_q1_fails_wrong_answers(wrong: dict[str, str]) -> None:
    assert not passes(cell(SERVICES, "q1-tests"), choice=wrong)


def test_09_q1_gives_the_learner_the_scenarios() -> None:
    answer = cell(SERVICES, "q1-answer")
    released = answer.split("### BEGIN SOLUTION")[0]  # what nbgrader leaves of the cell
    assert all(scenario in released for scenario in (SNS, SQS, FIFO))


def grades(path: Any, question: str, answer: str, context: dict[str, Any]) -> bool:
    """Whether ``answer`` (the answer cell's code) passes the question's graded cell."""
    namespace = {
        name: value if isinstance(value, ModuleType) else copy.deepcopy(value)
        for name, value in context.items()
    }
    exec(answer, namespace)
    return passes(cell(path, f"{question}-tests"), **namespace)


S3_EVENT = {
    "Records": [
        {"s3": {"bucket": {"name": "uploads"}, "object": {"key": "reports/sales+2025.csv"}}}
    ]
}
FROM_ORIGIN = {
    "status": "200",
    "statusDescription": "OK",
    "headers": {"content-type": [{"key": "Content-Type", "value": "text/html"}]},
}
REPORT = SimpleNamespace(report=SimpleNamespace(memory_mb=128, billed_ms=3))
CASES = [
    # (notebook, question, context, wrong answers)
    (
        WELCOME,
        "q2",
        {"second": REPORT},
        [
            "def gb_seconds(memory_mb, billed_ms):\n    return memory_mb * billed_ms / 1_000_000",
            "def gb_seconds(memory_mb, billed_ms):\n    return memory_mb / 1024 * billed_ms",
        ],
    ),
    (
        MICRO,
        "q2",
        {},
        [
            "def monthly_cost(r, ms, mb):\n    return r * ms / 1000 * mb / 1024 * 0.0000166667",
            "def monthly_cost(r, ms, mb):\n    return r * 0.2 / 1e6 + r * ms * mb * 0.0000166667",
        ],
    ),
    (
        EVENTS,
        "q1",
        {"s3_event": S3_EVENT, "bucket": "uploads"},
        [
            "def s3_object(event):\n    r = event['Records'][0]['s3']\n"
            "    return r['bucket']['name'], r['object']['key']",  # the key left encoded
            "def s3_object(event):\n    r = event['Records'][0]['s3']\n"
            "    return r['bucket']['name'], r['object']['key'].replace('+', ' ')",
        ],
    ),
    (
        EVENTS,
        "q2",
        {"json": json},
        [
            'shipped_pattern = {"source": ["shop.shipping"]}',
            'shipped_pattern = {"detail-type": ["ParcelShipped"]}',
            'shipped_pattern = {"source": ["shop.shipping", "shop.orders"], '
            '"detail-type": ["ParcelShipped"]}',
        ],
    ),
    (
        FUNDAMENTALS,
        "q1",
        {},
        [
            'handler_setting = "handle_order.orders"',
            'handler_setting = "orders.py.handle_order"',
            'handler_setting = "orders.py"',
        ],
    ),
    (
        FUNDAMENTALS,
        "q2",
        {},
        [
            "def lambda_handler(event, context):\n    return {'greeting': f\"Hello, "
            "{event['name']}!\", 'memory_mb': 128, 'request_id': context.aws_request_id}",
            "def lambda_handler(event, context):\n    return {'greeting': f\"Hello, "
            "{event.get('name', 'world')}!\", 'memory_mb': int(context.memory_limit_in_mb), "
            "'request_id': context.function_name}",
        ],
    ),
    (
        INVOCATION,
        "q3",
        {},
        [
            "def lambda_handler(event, context):\n"
            "    bad = [r['messageId'] for r in event['Records'] if not r['body'].isdigit()]\n"
            "    return {'batchItemFailures': [{'itemIdentifier': bad[0]}] if bad else []}",
            "def lambda_handler(event, context):\n"
            "    bad = [r for r in event['Records'] if not r['body'].isdigit()]\n"
            "    return {'batchItemFailures': [{'itemIdentifier': r['messageId']} "
            "for r in (event['Records'] if bad else [])]}",
        ],
    ),
    (
        PRICING,
        "q1",
        {},
        [
            cell(PRICING, "q1-answer").replace("math.ceil(duration_ms)", "round(duration_ms)"),
            cell(PRICING, "q1-answer").replace(
                "gb_seconds = max(0.0, gb_seconds - FREE_GB_SECONDS)", "pass"
            ),
            cell(PRICING, "q1-answer").replace("[architecture]", '["x86_64"]'),
        ],
    ),
    (
        CONFIGURATION,
        "q1",
        {},
        [
            cell(CONFIGURATION, "q1-answer")
            .replace('== "SAVE10"', '.upper() == "SAVE10"')
            .replace("total * 90 // 100", "round(total * 0.9)"),
            cell(CONFIGURATION, "q1-answer").replace("< 1", "< 0"),
            cell(CONFIGURATION, "q1-answer").replace('== "SAVE10"', '.upper() == "SAVE10"'),
        ],
    ),
    (
        MONITORING,
        "q3",
        {"headers": ["Root=1-a-b;Sampled=0", "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1"]},
        [
            "def trace_root(header):\n    return header.split(';')[0][len('Root='):]",
            "def trace_root(header):\n    for part in header.split(';'):\n"
            "        if part.startswith('Root='):\n            return part\n    return None",
            "def trace_root(header):\n    for part in header.split(';'):\n"
            "        if part.startswith('Root='):\n            return part[5:]\n    return ''",
        ],
    ),
    (
        SERVICES,
        "q1",
        {},
        [
            f"choice = {{{SNS!r}: 'sns', {SQS!r}: 'sqs-fifo', {FIFO!r}: 'sqs'}}",
            f"choice = {{{SNS!r}: 'sqs', {SQS!r}: 'sqs', {FIFO!r}: 'sqs-fifo'}}",
        ],
    ),
    (
        SERVICES,
        "q2",
        {"json": json},
        [
            "def proxy_response(status, data):\n"
            "    return {'statusCode': status, 'headers': {}, 'body': data}",
            "def proxy_response(status, data):\n"
            "    return {'statusCode': 200, 'headers': {'Content-Type': 'application/json'},"
            " 'body': json.dumps(data)}",
        ],
    ),
    (
        SERVICES,
        "q3",
        {"from_origin": FROM_ORIGIN},
        [
            "def add_frame_protection(response):\n"
            "    response['headers']['X-Frame-Options'] = 'DENY'\n    return response",
            "def add_frame_protection(response):\n"
            "    return {'status': '200', 'headers': {'x-frame-options':"
            " [{'key': 'X-Frame-Options', 'value': 'DENY'}]}}",
        ],
    ),
]


@pytest.mark.parametrize(
    ("path", "question", "context", "wrong"),
    CASES,
    ids=[f"{path.parent.name[:2]}-{question}" for path, question, _, _ in CASES],
)
def test_the_model_answer_passes_and_wrong_answers_fail(
    path: Any, question: str, context: dict[str, Any], wrong: list[str]
) -> None:
    model = cell(path, f"{question}-answer")
    assert grades(path, question, model, context), "the model answer fails"
    for answer in wrong:
        assert not grades(path, question, answer, context), answer


TEACHING = [case for case in CASES if case[0].parent.name not in BARE_ASSERTS]


@pytest.mark.parametrize(
    ("path", "question", "context", "wrong"),
    TEACHING,
    ids=[f"{path.parent.name[:2]}-{question}" for path, question, _, _ in TEACHING],
)
def test_the_visible_test_says_correct_or_what_is_wrong(
    path: Any, question: str, context: dict[str, Any], wrong: list[str]
) -> None:
    """Right: "Correct: <why>" printed. Wrong: NotYet with a message written in the visible
    test (so never a computed expected value), or the learner's own code's error; never a bare
    AssertionError."""
    visible = visible_part(cell(path, f"{question}-tests"))
    for answer, right in [(cell(path, f"{question}-answer"), True)] + [(w, False) for w in wrong]:
        namespace = dict(context)
        exec(answer, namespace)
        error, printed = run_graded_cell(visible, **namespace)
        if right:
            assert error is None and printed.startswith("Correct: "), (error, printed)
            assert printed.removeprefix("Correct: ").strip() in written_messages(visible, "right")
        elif isinstance(error, NotYet):
            assert str(error) in written_messages(visible), str(error)
        else:  # the learner's own code may raise; a bare assert in the test may not
            assert error is not None and not isinstance(error, AssertionError), (answer, error)
