"""Hints worded for the learner's way (console, AWS CLI, code), as each place shows them."""

from __future__ import annotations

import html
import json
from dataclasses import replace

import pytest

from labcheck.checks import grade
from labcheck.checks.task2 import CLI_NOTIFICATION
from labcheck.model.results import CheckResult, Hint
from labcheck.model.state import AccountState
from labcheck.render.report import to_html, to_json, to_text
from tests.unit.test_labcheck_checks import complete_state

LAYER_CLI = "aws lambda update-function-configuration --function-name resize_image --layers"
LAYER_CONSOLE = "Code > Layers > Add a layer > Custom layers"
LAYER_CODE = "Layers=[lab.resources.layer_arn]"


def detail_column(table: str) -> str:
    """The terminal table's last column, its lines joined without spaces (rich folds them)."""
    cells = [line.split("│")[4] for line in table.splitlines() if line.count("│") == 5]
    return "".join("".join(cells).split())


def squeezed(text: str) -> str:
    return "".join(text.split())


def failing(state: AccountState, check_id: str) -> CheckResult:
    task = check_id.split(".")[0]
    [check] = [c for r in grade(state, (task,)) for c in r.checks if c.id == check_id]
    assert not check.passed
    return check


def without_layer() -> AccountState:
    state = complete_state()
    assert state.function is not None
    return replace(state, function=replace(state.function, layer_arns=()))


@pytest.mark.parametrize(
    ("way", "shown", "not_shown"),
    [
        ("cli", LAYER_CLI, (LAYER_CONSOLE, LAYER_CODE)),
        ("console", LAYER_CONSOLE, (LAYER_CLI, LAYER_CODE)),
        ("code", LAYER_CODE, (LAYER_CLI, LAYER_CONSOLE)),
    ],
)
def test_a_hint_names_the_step_for_the_learners_way_only(
    way: str, shown: str, not_shown: tuple[str, ...]
) -> None:
    hint = failing(without_layer(), "task1.layer").hint.text(way)
    assert hint.startswith("Add the layer PillowPythonLambdaLayer")
    assert shown in hint
    assert not any(other in hint for other in not_shown)


def test_without_a_way_every_step_is_listed_once() -> None:
    hint = failing(without_layer(), "task1.layer").hint.text()
    assert hint.count("Add the layer") == 1
    positions = [hint.index(text) for text in (LAYER_CONSOLE, LAYER_CLI, LAYER_CODE)]
    assert positions == sorted(positions)  # console, then the CLI, then code


def test_a_plain_string_hint_says_the_same_to_every_way() -> None:
    hint = Hint("Repeat the slower runs.")
    assert {hint.text(way) for way in ("code", "cli", "console", None)} == {hint.text()}


def test_an_unknown_way_is_refused() -> None:
    with pytest.raises(ValueError, match="code, cli, console"):
        Hint("x", cli="y").text("terminal")


@pytest.mark.parametrize(
    ("backend", "cli", "console"),
    [
        ("local", "`localaws logs resize_image`", "`localaws logs resize_image`"),
        ("aws", "aws logs filter-log-events --log-group-name", "Monitor > View CloudWatch logs"),
    ],
)
def test_log_hints_read_localaws_offline_and_each_ways_tool_on_aws(
    backend: str, cli: str, console: str
) -> None:
    state = complete_state()
    assert state.resized is not None
    state = replace(state, backend=backend, resized=replace(state.resized, objects=()))
    hint = failing(state, "task3.resized-copy").hint
    assert cli in hint.text("cli") and console in hint.text("console")
    if backend == "aws":  # CLI v1 has no `logs tail`: it is offered as v2's
        assert "v2 also has `aws logs tail /aws/lambda/resize_image`" in hint.text("cli")
        assert "filter-log-events" not in hint.text("console")


def test_the_trigger_on_the_resized_bucket_is_called_a_loop() -> None:
    state = complete_state()
    assert state.original is not None and state.resized is not None
    moved = replace(
        state,
        original=replace(state.original, lambda_notifications=()),
        resized=replace(state.resized, lambda_notifications=state.original.lambda_notifications),
    )
    check = failing(moved, "task2.notification")
    assert "lab-resized, the resized bucket, sends events" in check.message
    assert "endless loop" in check.message
    assert "--bucket $RESIZED_BUCKET --notification-configuration '{}'" in check.hint.text("cli")
    assert "delete the resized bucket's trigger" in check.hint.text("console")


def test_reports_word_hints_for_the_way_and_json_keeps_every_way() -> None:
    state = without_layer()
    results = grade(state, ("task1",))
    assert squeezed(LAYER_CLI) in detail_column(to_text(state, results, False, way="cli"))
    assert squeezed(LAYER_CLI) not in detail_column(to_text(state, results, False, way="code"))
    assert html.escape(LAYER_CONSOLE) in to_html(results, "console")
    assert html.escape(LAYER_CONSOLE) not in to_html(results, "code")
    [check] = [c for c in to_json(state, results, "cli")["tasks"][0]["checks"] if not c["passed"]]
    assert LAYER_CLI in check["hint"] and LAYER_CONSOLE not in check["hint"]
    assert set(check["hints"]) == {"console", "cli", "code"}
    assert LAYER_CONSOLE in check["hints"]["console"]
    passed = to_json(state, results)["tasks"][0]["checks"][0]
    assert passed["hint"] == "" and passed["hints"] == {}
    json.dumps(to_json(state, results))  # plain JSON throughout


def test_a_cli_hint_keeps_its_brackets_in_the_terminal_table() -> None:
    """rich reads [..] as markup: the CLI's shorthand must reach the table as written."""
    state = complete_state()
    assert state.original is not None
    state = replace(state, original=replace(state.original, lambda_notifications=()))
    shown = detail_column(to_text(state, grade(state, ("task2",)), color=False, way="cli"))
    assert squeezed(CLI_NOTIFICATION) in shown


def test_a_way_that_is_not_one_of_the_labs_says_which_are() -> None:
    from labcheck.errors import CannotGradeError
    from labcheck.notebook.grading import check_way

    assert check_way("cli") == "cli"
    with pytest.raises(CannotGradeError) as caught:
        check_way("terminal")
    shown = "\n".join(caught.value._render_traceback_())
    assert "WAY is 'terminal', which is not a way of doing the lab." in shown
    assert all(f'WAY = "{way}"' in shown for way in ("code", "cli", "console"))
