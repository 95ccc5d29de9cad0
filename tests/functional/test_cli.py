"""The localaws command line: start/status/stop/reset, and one clear line for each bad input."""

from __future__ import annotations

import json
import socket
import subprocess
from pathlib import Path

import pytest

from localaws.server.daemon import is_healthy
from localaws.server.embedded import EmbeddedServer
from tests.helpers import ServerProcess, aws_client, free_port, run_localaws

pytestmark = pytest.mark.server


def assert_one_line_error(stderr: str, *fragments: str) -> None:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("localaws: error: ")
    assert "Traceback" not in stderr
    for fragment in fragments:
        assert fragment in lines[0]


def assert_usable_exports(exports: str) -> None:
    """The credentials ``localaws env`` prints work with the AWS CLI, as a shell sets them."""
    script = f"{exports}\naws sts get-caller-identity --query Account --output text"
    result = subprocess.run(["sh", "-c", script], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "123456789012", result.stderr


def test_start_status_stop(state_dir: Path) -> None:
    port = str(free_port())
    started = run_localaws("start", "--port", port, "--state-dir", str(state_dir))
    try:
        assert started.returncode == 0, started.stderr
        assert f"at http://127.0.0.1:{port}" in started.stdout
        assert f'eval "$(localaws env --state-dir {state_dir})"' in started.stdout
        assert is_healthy(f"http://127.0.0.1:{port}")
        exports = run_localaws("env", "--state-dir", str(state_dir)).stdout
        assert f"export AWS_ENDPOINT_URL=http://127.0.0.1:{port}\n" in exports
        assert "unset AWS_SESSION_TOKEN AWS_PROFILE" in exports
        assert_usable_exports(exports)

        again = run_localaws("start", "--port", port, "--state-dir", str(state_dir))
        assert again.returncode == 0
        assert "already running" in again.stdout

        other_dir = state_dir.parent / "other-state"
        elsewhere = run_localaws("start", "--port", port, "--state-dir", str(other_dir))
        assert elsewhere.returncode == 2  # never "started" on someone else's server
        assert_one_line_error(elsewhere.stderr, f"port {port}", f"state dir {state_dir}")

        status = run_localaws("status", "--state-dir", str(state_dir))
        assert status.returncode == 0
        assert f"endpoint:      http://127.0.0.1:{port}" in status.stdout
        assert "persistence:   on" in status.stdout
        assert "lambda" in status.stdout and "CPU throttle:" in status.stdout
    finally:
        stopped = run_localaws("stop", "--state-dir", str(state_dir))
    assert stopped.returncode == 0
    assert not is_healthy(f"http://127.0.0.1:{port}")
    after = run_localaws("status", "--state-dir", str(state_dir))
    assert after.returncode == 1
    assert "not running" in after.stderr


def test_port_in_use_is_one_line_and_exit_2(state_dir: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = str(taken.getsockname()[1])
        for command in ("serve", "start"):
            result = run_localaws(command, "--port", port, "--state-dir", str(state_dir))
            assert result.returncode == 2
            assert_one_line_error(result.stderr, f"port {port}", "already in use", "--port")


def test_an_embedded_server_holds_its_port_from_the_moment_it_is_chosen() -> None:
    """Bound here and handed over as an open socket: no other connection can take the port
    while the server starts (a picked-and-released port could be, on a busy machine)."""
    server = EmbeddedServer()
    try:
        with socket.socket() as other:
            other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            with pytest.raises(OSError):
                other.bind(("127.0.0.1", server.port))
        assert is_healthy(server.start().endpoint)
    finally:
        server.stop()
    assert not is_healthy(server.endpoint)


def test_a_listen_fd_that_is_not_a_socket_is_one_line_and_exit_2(state_dir: Path) -> None:
    port = str(free_port())
    result = run_localaws(
        "serve", "--port", port, "--listen-fd", "99", "--state-dir", str(state_dir)
    )
    assert result.returncode == 2
    assert_one_line_error(result.stderr, "--listen-fd 99", "not an open socket")


def test_second_instance_on_the_same_state_dir_is_refused(state_dir: Path) -> None:
    first = ServerProcess(state_dir).start()
    try:
        result = run_localaws("serve", "--port", str(free_port()), "--state-dir", str(state_dir))
        assert result.returncode == 2
        assert_one_line_error(result.stderr, "already using the state directory", str(first.port))
        assert is_healthy(first.endpoint)
    finally:
        first.stop()


def test_unusable_state_dir_is_one_line_and_exit_2(tmp_path: Path) -> None:
    a_file = tmp_path / "not-a-directory"
    a_file.write_text("")
    result = run_localaws("serve", "--port", str(free_port()), "--state-dir", str(a_file / "s"))
    assert result.returncode == 2
    assert_one_line_error(result.stderr, "cannot create the state directory", "--state-dir")


def test_non_loopback_host_from_the_environment_is_refused(state_dir: Path) -> None:
    result = run_localaws("serve", "--state-dir", str(state_dir), env={"LOCALAWS_HOST": "0.0.0.0"})
    assert result.returncode == 2
    assert_one_line_error(result.stderr, "refusing to listen on 0.0.0.0", "--host")


def test_corrupt_state_is_moved_aside_with_a_message(state_dir: Path) -> None:
    snapshot = state_dir / "state" / "snapshot.bin"
    snapshot.parent.mkdir(parents=True)
    snapshot.write_bytes(b"this is not a snapshot")
    port = str(free_port())
    started = run_localaws("start", "--port", port, "--state-dir", str(state_dir))
    try:
        assert started.returncode == 0, started.stderr
        assert "could not be read" in started.stderr and "moved aside" in started.stderr
        aside = list((state_dir / "aside").glob("state-*/snapshot.bin"))
        assert [path.read_bytes() for path in aside] == [b"this is not a snapshot"]
        s3 = aws_client(f"http://127.0.0.1:{port}", "s3")
        assert s3.list_buckets()["Buckets"] == []
    finally:
        run_localaws("stop", "--state-dir", str(state_dir))


def test_state_from_a_newer_localaws_is_refused_and_kept(state_dir: Path) -> None:
    snapshot = state_dir / "state" / "snapshot.bin"
    snapshot.parent.mkdir(parents=True)
    content = json.dumps({"format": "localaws-state", "schema": 99, "localaws": "9.0"}).encode()
    snapshot.write_bytes(content + b"\nbody")
    result = run_localaws("start", "--port", str(free_port()), "--state-dir", str(state_dir))
    assert result.returncode == 2
    assert_one_line_error(result.stderr, "newer localaws", "schema 99", "localaws reset")
    assert snapshot.read_bytes() == content + b"\nbody"

    reset = run_localaws("reset", "--yes", "--state-dir", str(state_dir))
    assert reset.returncode == 0
    assert "moved aside" in reset.stdout
    assert list((state_dir / "aside").glob("state-*/snapshot.bin"))


def test_reset_asks_unless_yes_and_empties_a_running_server(state_dir: Path) -> None:
    server = ServerProcess(state_dir).start()
    try:
        s3 = aws_client(server.endpoint, "s3")
        s3.create_bucket(Bucket="reset-me")
        refused = run_localaws("reset", "--state-dir", str(state_dir))
        assert refused.returncode == 2
        assert_one_line_error(refused.stderr, "--yes")
        assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["reset-me"]

        done = run_localaws("reset", "--yes", "--state-dir", str(state_dir))
        assert done.returncode == 0, done.stderr
        assert s3.list_buckets()["Buckets"] == []
    finally:
        server.stop()
    server.start()
    try:
        assert aws_client(server.endpoint, "s3").list_buckets()["Buckets"] == []
    finally:
        server.stop()
