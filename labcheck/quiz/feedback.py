"""What a knowledge check's visible test tells the learner: what is wrong and why, or "Correct".

A test cell calls ``check(condition, wrong=..., right=...)`` once per thing it looks at; the
last call carries ``right``. A failed check raises ``NotYet`` with the ``wrong`` message only,
so the learner sees no traceback and never the expected value.

Where the right answer is a fixed value, the visible test compares it with an *answer key*
(``is_answer(value, key)``): a short digest of the model answer, so the learner's copy can say
"Correct" without showing the answer. A key hides the answer from someone reading the cell,
not from someone who tries every choice; the hidden tests still decide the grade.
"""

from __future__ import annotations

import ast
import hashlib
import json

SALT = "serverless-lab/answer-key/v1:"


class NotYet(AssertionError):
    """A knowledge check's answer is not right yet (the message says what and why)."""

    def _render_traceback_(self) -> list[str]:
        """How IPython shows it: the message alone, no traceback through labcheck."""
        text = str(self)
        return [text if text.startswith("Not yet") else f"Not yet: {text}"]


def check(condition: object, wrong: str, right: str = "") -> None:
    """Raise ``NotYet(wrong)`` unless ``condition``; else print "Correct: <right>" if given."""
    if not condition:
        raise NotYet(wrong)
    if right:
        print(f"Correct: {right}")


def answer_key(value: object) -> str:
    """The key of an answer: 16 hex digits of a salted SHA-256 of its canonical JSON.

    Floats count to 6 significant digits (a whole float is its int: ``900.0`` is ``900``, so a
    test that needs an int checks the type itself); dict keys are compared as strings, tuples
    as lists, sets in sorted order.
    """
    text = json.dumps(_canonical(value), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((SALT + text).encode()).hexdigest()[:16]


def is_answer(value: object, key: str) -> bool:
    """True when ``value``'s answer key is ``key`` (False for a value with no JSON form)."""
    try:
        return answer_key(value) == key
    except TypeError:
        return False


def _canonical(value: object) -> object:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < 1e15 else {"float": f"{value:.6g}"}
    if isinstance(value, (list, tuple)):
        return [_canonical(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _canonical(item) for key, item in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted((_canonical(item) for item in value), key=json.dumps)
    raise TypeError(f"an answer key needs JSON-like values, not {type(value).__name__}")


def written_messages(test_source: str, keyword: str = "wrong") -> set[str]:
    """The literal ``wrong=`` (or ``right=``) messages of the ``check`` calls in a test cell."""
    try:
        tree = ast.parse(test_source)
    except SyntaxError:
        return set()
    return {
        str(argument.value.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and ast.unparse(node.func).endswith("check")
        for argument in node.keywords
        if argument.arg == keyword and isinstance(argument.value, ast.Constant)
    }
