"""A plausible wrong answer to every autograded question, handed in as one learner's work.

Each replaces the model answer between ``### BEGIN SOLUTION`` and ``### END SOLUTION``. Every
one must score 0 when the real nbgrader autogrades it against its own live demo state; where a
question's visible test says what is wrong (``labcheck.check``), it must say so for this answer
too, without the expected value.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

#: (assignment, answer cell's grade_id) -> the solution's code, indented as in the model.
WRONG_ANSWERS: dict[tuple[str, str], str] = {
    ("00-welcome", "q1-answer"): 'cold_call = "first"\ncold_field = "Billed Duration"',
    ("00-welcome", "q2-answer"): "    return memory_mb * billed_ms / 1_000_000  # MB as 1,000",
    ("00-welcome", "q3-answer"): "free_invocations = 1_000_000  # the free requests",
    ("01-serverless-and-microservices", "q1-answer"): (
        "micro_success_rate = sum(r.function_error is not None for r in micro_results)"
        " / len(micro_results)"
    ),
    ("01-serverless-and-microservices", "q2-answer"): (
        "    return requests * 0.20 / 1_000_000"
        " + requests * billed_ms / 1000 * memory_mb * 0.0000166667  # MB, not GB"
    ),
    ("01-serverless-and-microservices", "q3-answer"): 'not_a_microservice_property = "a"',
    ("02-event-driven-architecture", "q1-answer"): (
        '    record = event["Records"][0]\n'
        '    return record["s3"]["bucket"]["name"], record["s3"]["object"]["key"]  # encoded'
    ),
    ("02-event-driven-architecture", "q2-answer"): (
        'shipped_pattern = {"source": ["shop.shipping"]}'
    ),
    ("02-event-driven-architecture", "q3-answer"): (
        "second_rule_orders = {1042}  # as if the source still had to match"
    ),
    ("03-lambda-fundamentals", "q1-answer"): 'handler_setting = "handle_order.orders"',
    ("03-lambda-fundamentals", "q2-answer"): (
        "    return {\n"
        "        \"greeting\": f\"Hello, {event.get('name', 'world')}!\",\n"
        '        "memory_mb": context.memory_limit_in_mb,  # still a string\n'
        '        "request_id": context.aws_request_id,\n'
        "    }"
    ),
    ("03-lambda-fundamentals", "q3-answer"): (
        'timeout_seconds = context_info["remaining_ms_at_start"]  # still milliseconds'
    ),
    ("04-invocation-types", "q1-answer"): (
        'status_codes = {"RequestResponse": 200, "Event": 200, "DryRun": 200}'
    ),
    ("04-invocation-types", "q2-answer"): "attempts_by_default = 2  # the retries only",
    ("04-invocation-types", "q3-answer"): (
        "    failures = [\n"
        '        {"itemIdentifier": record["messageId"]}\n'
        '        for record in event["Records"]\n'
        '        if not record["body"].replace(".", "", 1).isdigit()  # takes 7.5 as a count\n'
        "    ]\n"
        '    return {"batchItemFailures": failures}'
    ),
    ("05-execution-environment", "q1-answer"): (
        '    return "Init Duration:" in report_line and "Status" not in report_line'
    ),
    ("05-execution-environment", "q2-answer"): "last_count = 5  # as if nothing were reset",
    ("05-execution-environment", "q3-answer"): (
        'policy_to_change = "resource"  # as if invoking and acting were one\n'
        'missing_action = "sqs:SendMessage"'
    ),
    ("06-limits-and-pricing", "q1-answer"): (
        "    gb_seconds = invocations * duration_ms / 1000 * memory_mb / 1024  # not rounded up\n"
        "    requests = invocations\n"
        "    if free_tier:\n"
        "        requests = max(0, requests - FREE_REQUESTS)\n"
        "        gb_seconds = max(0.0, gb_seconds - FREE_GB_SECONDS)\n"
        "    return requests * PRICE_PER_REQUEST + gb_seconds * PRICE_PER_GB_SECOND[architecture]"
    ),
    ("06-limits-and-pricing", "q2-answer"): (
        "throttled_with_two = 0  # as if the third call waited for a free environment"
    ),
    ("06-limits-and-pricing", "q3-answer"): (
        "fits_lambda = {\n"
        '    "resize each uploaded photo (about 2 s)": True,\n'
        '    "transcode a 2-hour video in one invocation (about 40 minutes)": False,\n'
        '    "a synchronous API returning a 20 MB CSV in the response": True,\n'
        '    "a nightly clean-up job of about 4 minutes": True,\n'
        '    "process SQS messages of 200 KB in batches of 10": True,\n'
        "}"
    ),
    ("07-configuration-and-best-practices", "q1-answer"): (
        "    total = sum(item['price_cents'] * item['quantity'] for item in items)\n"
        '    if discount_code == "SAVE10":\n'
        "        total = total * 0.9  # a float, and no check of the quantity\n"
        "    return total"
    ),
    ("07-configuration-and-best-practices", "q2-answer"): (
        "where_to_keep = {\n"
        '    "the log level of one function": "env",\n'
        '    "a table of VAT rates shared by twelve functions and edited by the finance team":'
        ' "parameter",\n'
        '    "a database password that must be rotated automatically every 30 days":'
        ' "parameter",\n'
        "}"
    ),
    ("07-configuration-and-best-practices", "q3-answer"): (
        'loop_invocations = len(demo.reports("looper")) - 1  # the first call left out'
    ),
    ("08-monitoring", "q1-answer"): (
        'error_rate_percent = 100 * totals["Errors"]'
        ' / (totals["Invocations"] + totals["Throttles"])'
    ),
    ("08-monitoring", "q2-answer"): "cold_start_pattern = 'REPORT'",
    ("08-monitoring", "q3-answer"): '    return header.split(";")[0][len("Root="):]',
    ("09-serverless-services", "q1-answer"): (
        "choice.update({\n"
        '    "a new user must trigger a welcome e-mail, a CRM update and analytics at once":'
        ' "sns",\n'
        '    "image jobs arrive in bursts and one worker should process them at its own pace":'
        ' "sqs-fifo",\n'
        '    "a bank account\'s transactions must be applied in order, never twice": "sqs",\n'
        "})"
    ),
    ("09-serverless-services", "q2-answer"): (
        '    return {"statusCode": status, "headers": {"Content-Type": "application/json"},\n'
        '            "body": data}  # not a string'
    ),
    ("09-serverless-services", "q3-answer"): (
        '    response["headers"]["X-Frame-Options"] = "DENY"  # the viewer-response shape'
        "\n    return response"
    ),
    ("10-step-functions", "q1-answer"): (
        'lambda_successes = sum(event["type"].startswith("Lambda") for event in history)'
    ),
    ("10-step-functions", "q2-answer"): (
        "shipping_choice = {\n"
        '    "Type": "Choice",\n'
        '    "Choices": [{"Variable": "$.country", "StringMatches": "U*", "Next": "Domestic"}],\n'
        '    "Default": "International",\n'
        "}"
    ),
}


def with_wrong_answers(source: Path, assignment: str) -> nbformat.NotebookNode:
    """The source notebook with each answer cell's solution replaced by its wrong answer."""
    notebook = nbformat.read(source, as_version=4)
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        wrong = WRONG_ANSWERS.get((assignment, grade_id))
        if wrong is None:
            continue
        before, rest = cell.source.split("### BEGIN SOLUTION\n", 1)
        _, after = rest.split("### END SOLUTION", 1)
        cell.source = before.rstrip(" ") + wrong + after
    return notebook


def answered_questions(source: Path) -> set[str]:
    """The answer cells (grade ids) of a source notebook."""
    notebook = nbformat.read(source, as_version=4)
    return {
        cell.metadata["nbgrader"]["grade_id"]
        for cell in notebook.cells
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution")
    }
