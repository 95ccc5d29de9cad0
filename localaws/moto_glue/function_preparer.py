"""Gets new and updated functions ready, as AWS does while they are Pending or InProgress.

Each function created or updated is queued here (``function_states.py`` queues it); a thread
of its own unpacks its code and layers and finds its runtime's interpreter (``prepare``, from
the executor), then marks it Active / Successful with a new RevisionId. A GetFunction that
arrives while its function is being prepared waits for that (up to ``READ_WAIT_SECONDS``): a
waiter polling after a small update then finds it done, as it would on AWS a second later,
instead of sleeping through its poll interval. Invoke and further updates never wait: a
client that skips the waiter meets AWS's ResourceConflictException.

A layer is unpacked on the same thread as soon as it is published (``submit_layer``), so the
preparation of a function created with it finds the layer ready: it follows in the queue.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from moto.awslambda.exceptions import LambdaClientError
from moto.awslambda.models import lambda_backends

from localaws.config import DEFAULT_ACCOUNT_ID
from localaws.events.queue_worker import QueueWorker
from localaws.executor.config import FunctionConfig
from localaws.moto_glue import function_states
from localaws.moto_glue.function_states import functions_of, lifecycle
from localaws.moto_glue.functions import function_config
from localaws.moto_glue.protocol import credential_scope
from localaws.state.persistence import Persistence

log = logging.getLogger("localaws")
READ_WAIT_SECONDS = 0.25
_GET_FUNCTION = re.compile(r"^/2015-03-31/functions/(?P<name>[^/]+)(/configuration)?/?$")
Key = tuple[str, str, str]  # account, region, function name
Job = Key | bytes  # a function to prepare, or a layer's package to unpack


class FunctionPreparer(QueueWorker[Job]):
    """Unpacks new and updated functions and marks them ready, on a thread of its own."""

    def __init__(
        self,
        persistence: Persistence,
        prepare: Callable[[FunctionConfig], None],
        unpack_layer: Callable[[bytes], None],
    ):
        super().__init__("function-preparer")
        self.persistence = persistence
        self.prepare = prepare
        self.unpack_layer = unpack_layer
        self._under_way: dict[Key, tuple[int, threading.Event]] = {}
        self._under_way_lock = threading.Lock()

    def submit_function(self, account: str, region: str, name: str) -> None:
        """Queue a function for its preparation (``function_states`` calls it)."""
        self.submit((account, region, name))

    def submit_layer(self, package: bytes) -> None:
        """Queue a layer just published for unpacking (``layer_unpacking`` calls it)."""
        self.submit(package)

    def submit(self, job: Job) -> None:
        if not isinstance(job, bytes):
            with self._under_way_lock:
                count, done = self._under_way.get(job, (0, threading.Event()))
                self._under_way[job] = (count + 1, done)
        super().submit(job)

    def handle(self, job: Job) -> None:
        if not isinstance(job, bytes):
            self._prepare(*job)
            return
        try:
            self.unpack_layer(job)
        except Exception:  # the preparation of a function using it meets the error again
            log.exception("function-preparer: a layer just published could not be unpacked")

    def handled(self, key: Job) -> None:
        if isinstance(key, bytes):
            return
        with self._under_way_lock:
            count, done = self._under_way.pop(key, (1, threading.Event()))
            if count > 1:
                self._under_way[key] = (count - 1, done)
                return
        done.set()

    def wait_for(self, environ: dict[str, Any]) -> None:
        """Before a GetFunction (under no lock): let a preparation under way finish first."""
        match = _GET_FUNCTION.match(environ.get("PATH_INFO", ""))
        if match is None or environ.get("REQUEST_METHOD") != "GET":
            return
        scope = credential_scope(environ)
        name = unquote(match["name"]).rsplit(":function:", 1)[-1].split(":")[0]
        key = (DEFAULT_ACCOUNT_ID, scope[0] if scope else "us-east-1", name)
        with self._under_way_lock:
            under_way = self._under_way.get(key)
        if under_way is not None:
            under_way[1].wait(READ_WAIT_SECONDS)

    def start(self) -> None:
        """Start, with every function left pending by an earlier run queued again."""
        global _running
        _running = self
        function_states.prepare_now = self.prepare_now
        with self.persistence.reading():
            for account in list(dict.keys(lambda_backends)):
                for region, backend in list(dict.items(lambda_backends[account])):
                    for function in list(backend.list_functions()):
                        name = function.function_name
                        if any(lifecycle(f).busy for f in functions_of(backend, name)):
                            self.submit((account, region, name))
        super().start()

    def prepare_now(self, function: Any) -> None:
        """Get ``function`` and its versions ready within the request that made them (the
        caller holds the write lock): a CloudFormation stack waits for its functions."""
        backend = lambda_backends[function.account_id][function.region]
        for each in functions_of(backend, function.function_name):
            if lifecycle(each).busy:
                failure = self._failure(function_config(each))
                each.lifecycle_status = lifecycle(each).ready(failure)

    def _failure(self, config: FunctionConfig) -> str | None:
        """Prepare ``config``: None when ready, else why not."""
        try:
            self.prepare(config)
        except Exception as error:  # a package that cannot be unpacked: the function fails
            return str(error)
        return None

    def _prepare(self, account: str, region: str, name: str) -> None:
        with self.persistence.reading():
            generation = self.persistence.generation
            try:
                functions = list(functions_of(lambda_backends[account][region], name))
            except LambdaClientError:
                return  # deleted meanwhile
            busy = [f for f in functions if lifecycle(f).busy]
            work = [(f, function_config(f), lifecycle(f).revision_id) for f in busy]
        if not work:
            return
        failures = {id(function): self._failure(config) for function, config, _ in work}
        with self.persistence.writing():
            if generation != self.persistence.generation:
                return  # reset meanwhile
            lambda_backends[account][region]
            for function, _, revision in work:
                current = lifecycle(function)
                if current.revision_id == revision:  # else changed again: its own turn follows
                    function.lifecycle_status = current.ready(failures.get(id(function)))


_running: FunctionPreparer | None = None


def wait_before_read(environ: dict[str, Any]) -> None:
    """Before a GetFunction is answered (under no lock): see ``FunctionPreparer.wait_for``."""
    if _running is not None:
        _running.wait_for(environ)
