from __future__ import annotations

import io
from pathlib import Path

import pytest

from localaws.config import ExecutorSettings, is_loopback, parse_port, resolve_settings
from localaws.errors import SettingError
from localaws.executor.cpu import DutyCycleLimiter, NoLimiter, choose_limiter
from localaws.server.operations import is_read_only


def environ(  # type: ignore[type-arg]
    method: str, target: str = "", body: bytes = b"", query: str = "", path: str = "/"
) -> dict:
    env = {
        "REQUEST_METHOD": method,
        "QUERY_STRING": query,
        "PATH_INFO": path,
        "wsgi.input": io.BytesIO(body),
    }
    if target:
        env["HTTP_X_AMZ_TARGET"] = target
    if body:
        env["CONTENT_TYPE"] = "application/x-www-form-urlencoded; charset=utf-8"
        env["CONTENT_LENGTH"] = str(len(body))
    return env


@pytest.mark.parametrize(
    "request_environ, read_only",
    [
        (environ("GET"), True),
        (environ("HEAD"), True),
        (environ("PUT"), False),  # S3 PutObject
        (environ("POST", target="Logs_20140328.GetLogEvents"), True),
        (environ("POST", target="Logs_20140328.PutLogEvents"), False),
        (environ("POST", target="AmazonSQS.ReceiveMessage"), False),
        (environ("POST", body=b"Action=ListRoles&Version=2010-05-08"), True),
        (environ("POST", body=b"Action=CreateRole&Version=2010-05-08"), False),
        (environ("POST", body=b"Action=AssumeRole&Version=2011-06-15"), False),
        (environ("POST"), False),  # REST writes such as CreateFunction
        (environ("POST", path="/2015-03-31/functions/resize_image/invocations"), True),
    ],
)
def test_reads_and_writes_are_told_apart(request_environ: dict, read_only: bool) -> None:  # type: ignore[type-arg]
    assert is_read_only(request_environ) is read_only


def test_the_form_body_is_still_readable_after_classification() -> None:
    env = environ("POST", body=b"Action=CreateRole&RoleName=r")
    is_read_only(env)
    assert env["wsgi.input"].read() == b"Action=CreateRole&RoleName=r"


def test_argument_beats_environment_beats_default() -> None:
    env = {"LOCALAWS_PORT": "5000", "LOCALAWS_STATE_DIR": "/tmp/from-env"}
    assert resolve_settings(None, 6000, None, env).port == 6000
    assert resolve_settings(None, None, None, env).port == 5000
    assert resolve_settings(None, None, None, env).state_dir == Path("/tmp/from-env")
    assert resolve_settings(None, None, None, {}).port == 4566
    assert resolve_settings(None, None, None, {}).host == "127.0.0.1"


@pytest.mark.parametrize(
    "host, loopback",
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("0.0.0.0", False),
        ("10.1.2.3", False),
    ],
)
def test_loopback_detection(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_executor_settings_are_read_once_typed_and_validated(tmp_path: Path) -> None:
    assert ExecutorSettings.from_environ({}) == ExecutorSettings()
    python = tmp_path / "python3.12"
    python.write_text("#!/bin/sh\n")
    python.chmod(0o755)
    settings = ExecutorSettings.from_environ(
        {
            "LOCALAWS_LAMBDA_IDLE_SECONDS": "30",
            "LOCALAWS_ASYNC_RETRY_SCALE": "0",
            "LOCALAWS_SCHEDULE_SCALE": " 0.02 ",
            "LOCALAWS_CPU_THROTTLE": "Duty-Cycle",
            "LOCALAWS_PYTHON_3_12": str(python),
            "LOCALAWS_UNRELATED": "ignored",
        }
    )
    assert settings == ExecutorSettings(30.0, 0.0, 0.02, "duty-cycle")
    with pytest.raises(SettingError, match="LOCALAWS_ASYNC_RETRY_SCALE: '5m'"):
        ExecutorSettings.from_environ({"LOCALAWS_ASYNC_RETRY_SCALE": "5m"})
    with pytest.raises(SettingError, match="LOCALAWS_LAMBDA_IDLE_SECONDS: 'nan'"):
        ExecutorSettings.from_environ({"LOCALAWS_LAMBDA_IDLE_SECONDS": "nan"})


def test_the_cpu_mode_setting_picks_the_limiter() -> None:
    assert isinstance(choose_limiter("off"), NoLimiter)
    assert isinstance(choose_limiter("duty-cycle"), DutyCycleLimiter)


@pytest.mark.parametrize("text", ["0", "65536", "99999", "-1", "80a", ""])
def test_ports_outside_1_to_65535_are_refused(text: str) -> None:
    with pytest.raises(SettingError, match="is not a port number"):
        parse_port(text)
    with pytest.raises(SettingError, match="LOCALAWS_PORT"):
        resolve_settings(None, None, None, {"LOCALAWS_PORT": text or "x"})
