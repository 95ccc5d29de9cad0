"""Two learners on one host (The Littlest JupyterHub, a lab server): each localaws is its
owner's alone.

As root, two real Unix users are made with useradd. Each starts the course's localaws; each can
use their own; neither can list, read, write, reset or invoke in the other's, nor take the
other's pending invocation from the Runtime API; both run at once without a port clash.

The project's virtualenv and interpreters may live where other users cannot read them (here
under /root, mode 0700): the test makes a virtualenv under /opt with a world-readable Python
of the same version, which finds the project and its packages through a ``.pth`` file.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import PROJECT_ROOT

pytestmark = pytest.mark.server

USERS = ("sl-learner-a", "sl-learner-b")
RUNUSER = shutil.which("runuser") or "/usr/sbin/runuser"
PYTHON_NAME = f"python{sys.version_info.major}.{sys.version_info.minor}"

#: Run as a learner: ``eval "$(localaws env)"``, then one boto3 call; prints JSON.
CLIENT = r"""
import json, os, subprocess, sys
import boto3
from botocore.config import Config
exports = subprocess.run([sys.executable, "-m", "localaws", "env", "--state-dir", sys.argv[1]],
                         capture_output=True, text=True, check=True).stdout
env = dict(line[len("export "):].split("=", 1) for line in exports.splitlines()
           if line.startswith("export "))
endpoint = sys.argv[2] if len(sys.argv) > 2 and sys.argv[2] else env["AWS_ENDPOINT_URL"]
def client(service):
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
                        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
                        config=Config(retries={"max_attempts": 1}, connect_timeout=5))
action = sys.argv[3]
try:
    if action == "setup":
        import io, zipfile
        s3 = client("s3")
        s3.create_bucket(Bucket="own-" + sys.argv[4])
        s3.put_object(Bucket="own-" + sys.argv[4], Key="notes.txt", Body=b"private")
        iam = client("iam")
        role = iam.create_role(RoleName="r", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        code = io.BytesIO()
        with zipfile.ZipFile(code, "w") as z:
            z.writestr("lambda_function.py",
                       "import os, time\ndef lambda_handler(e, c):\n"
                       "    time.sleep(e.get('sleep', 0))\n"
                       "    return os.environ['AWS_LAMBDA_RUNTIME_API']\n")
        lam = client("lambda")
        lam.create_function(FunctionName="mine", Runtime="python3.11", Role=role,
                            Handler="lambda_function.lambda_handler",
                            Code={"ZipFile": code.getvalue()}, Timeout=60)
        lam.get_waiter("function_active_v2").wait(FunctionName="mine",
                                                   WaiterConfig={"Delay": 0.2})
        result = {"runtime_api": json.loads(lam.invoke(FunctionName="mine")["Payload"].read())}
    elif action == "list":
        result = {"buckets": [b["Name"] for b in client("s3").list_buckets()["Buckets"]]}
    elif action == "read":
        body = client("s3").get_object(Bucket=sys.argv[4], Key="notes.txt")["Body"].read()
        result = {"body": body.decode()}
    elif action == "write":
        client("s3").put_object(Bucket=sys.argv[4], Key="intruder.txt", Body=b"x")
        result = {"written": True}
    elif action == "invoke":
        answer = client("lambda").invoke(FunctionName="mine")
        result = {"payload": answer["Payload"].read().decode()}
    elif action == "reset":
        import urllib.request
        request = urllib.request.Request(endpoint + "/_localaws/reset", method="POST", data=b"")
        with urllib.request.urlopen(request, timeout=10) as response:
            result = {"reset": response.status}
    elif action == "next":
        import urllib.request
        url = "http://" + sys.argv[4] + "/2018-06-01/runtime/invocation/next"
        with urllib.request.urlopen(url, timeout=10) as response:
            result = {"event": response.read().decode()}
    print(json.dumps({"ok": True, **result}))
except Exception as error:
    print(json.dumps({"ok": False, "error": f"{type(error).__name__}: {error}"}))
"""


def world_readable_python() -> str | None:
    """An interpreter of this version that every user can run, or None."""
    for folder in ("/usr/bin", "/usr/local/bin"):
        path = Path(folder) / PYTHON_NAME
        if path.exists() and all(
            os.stat(part).st_mode & 0o005 == 0o005 for part in [*path.resolve().parents]
        ):
            return str(path)
    return None


@pytest.fixture(scope="module")
def venv() -> Iterator[Path]:
    """A virtualenv under /opt that finds this project and its packages, for any user."""
    if os.geteuid() != 0:
        pytest.skip("needs root: makes two Unix users with useradd")
    if shutil.which("useradd") is None or shutil.which("runuser") is None:
        pytest.skip("needs useradd, userdel and runuser")
    python = world_readable_python()
    if python is None:
        pytest.skip(f"no {PYTHON_NAME} that other users can run in /usr/bin or /usr/local/bin")
    packages = Path(sysconfig.get_paths()["purelib"])
    readable = [PROJECT_ROOT, packages]
    if not all(os.stat(p).st_mode & 0o005 == 0o005 for d in readable for p in [d, *d.parents]):
        pytest.skip("the project or its packages are not readable by other users")
    root = Path(tempfile.mkdtemp(prefix="serverless-lab-2users-", dir="/opt"))
    root.chmod(0o755)
    subprocess.run([python, "-m", "venv", "--without-pip", str(root)], check=True)
    site = Path(sysconfig.get_paths(vars={"base": str(root)})["purelib"])
    (site / "serverless-lab.pth").write_text(f"{PROJECT_ROOT}\n{packages}\n")
    (root / "client.py").write_text(CLIENT)
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def learners(venv: Path) -> Iterator[dict[str, Path]]:
    """Two real users, each with a running localaws; removed afterwards."""
    suffix = uuid.uuid4().hex[:6]
    names = [f"{user}-{suffix}"[:32] for user in USERS]
    homes: dict[str, Path] = {}
    try:
        for name in names:
            subprocess.run(["useradd", "--create-home", "--shell", "/bin/sh", name], check=True)
            homes[name] = Path(pwd.getpwnam(name).pw_dir)
        for name in names:
            started = as_user(
                venv, name, "-m", "localaws", "start", "--state-dir", state(homes, name)
            )
            assert started.returncode == 0, started.stderr
        yield homes
    finally:
        for name in homes:
            try:
                as_user(venv, name, "-m", "localaws", "stop", "--state-dir", state(homes, name))
            finally:
                subprocess.run(["userdel", "--remove", name], capture_output=True)


def state(homes: dict[str, Path], name: str) -> str:
    return str(homes[name] / ".localaws")


def as_user(venv: Path, name: str, *args: str) -> subprocess.CompletedProcess[str]:
    home = pwd.getpwnam(name).pw_dir
    env = {"HOME": home, "PATH": f"{venv}/bin:/usr/bin:/bin", "USER": name, "LANG": "C.UTF-8"}
    return subprocess.run(
        [RUNUSER, "-u", name, "--", str(venv / "bin" / "python"), *args],
        capture_output=True, text=True, env=env, cwd=home, timeout=180,
    )  # fmt: skip


def client(venv: Path, name: str, state_dir: str, endpoint: str, *action: str) -> dict[str, Any]:
    done = as_user(venv, name, str(venv / "client.py"), state_dir, endpoint, *action)
    assert done.stdout.strip(), done.stderr
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def endpoint_of(homes: dict[str, Path], name: str) -> str:
    return f"http://127.0.0.1:{(homes[name] / '.localaws' / 'port').read_text().strip()}"


def test_each_learner_has_a_localaws_the_other_cannot_use(
    venv: Path, learners: dict[str, Path]
) -> None:
    a, b = learners
    ours, theirs = endpoint_of(learners, a), endpoint_of(learners, b)
    assert ours != theirs  # both run at once, on different ports
    set_up = {}
    for name in (a, b):
        set_up[name] = client(venv, name, state(learners, name), "", "setup", name)
        assert set_up[name]["ok"], set_up[name]
        listed = client(venv, name, state(learners, name), "", "list")
        assert listed == {"ok": True, "buckets": [f"own-{name}"]}

    # b, with b's own credentials, against a's localaws: turned away at the door.
    for action in (("list",), ("read", f"own-{a}"), ("write", f"own-{a}"), ("invoke",), ("reset",)):
        answer = client(venv, b, state(learners, b), ours, *action)
        assert not answer["ok"], (action, answer)
        # The door's 403 (its JSON message says whose server it is), before any AWS parsing.
        assert any(sign in answer["error"] for sign in ("403", "another user")), answer
    # a's pending work cannot be taken from its Runtime API either.
    runtime_api = set_up[a]["runtime_api"]
    stolen = client(venv, b, state(learners, b), ours, "next", runtime_api)
    assert not stolen["ok"], stolen
    # a's account is as a left it, and a's credentials are unreadable to b.
    assert client(venv, a, state(learners, a), "", "list")["buckets"] == [f"own-{a}"]
    assert client(venv, a, state(learners, a), "", "invoke")["ok"]
    peek = as_user(venv, b, "-c", f"open({state(learners, a)!r} + '/credentials.json').read()")
    assert peek.returncode != 0 and "Permission denied" in peek.stderr
