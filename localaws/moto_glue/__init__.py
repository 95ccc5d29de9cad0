"""Everything localaws changes in moto, in one place.

``install`` checks every moto name relied on (``seams``), then applies every patch once, in
a fixed order: fixes where a learner would meet a difference from AWS (one module each), the
seams that let the event layer poll and queue, and the hooks that hand invocations and events
to the executor. Two services' fixes wait for their first request instead
(``before_request``), as their moto modules are slow to import: Step Functions' task clients
(moto's interpreter takes over a second and makes boto3 sessions as it is imported) and
CloudFormation's fixes (importing it loads EC2's and Auto Scaling's models, about a second);
the server also installs CloudFormation's right after it is ready (``install_cloudformation``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from localaws.executor.tracing import SubmitArnEvent

STEP_FUNCTIONS_TARGET = "AWSStepFunctions."
#: How a signed request names CloudFormation (its credential scope; the query protocol has no
#: target header).
CLOUDFORMATION_SCOPE = "/cloudformation/aws4_request"
_endpoint = ""  # localaws's own address, for the Step Functions clients installed later
_credentials: dict[str, str] = {}  # ... and the keys they sign with
_installed = False
_step_functions_installed = False
_cloudformation_installed = False
_lock = threading.Lock()


@dataclass(frozen=True)
class ExecutorHooks:
    """How moto reaches the executor and the event layer."""

    invoke: Callable[[Any, Any, Any, Any], bytes]  # LambdaFunction.invoke's replacement
    submit_arn_event: SubmitArnEvent
    #: Queues a new or updated function (account, region, name) for its preparation.
    prepare_function: Callable[[str, str, str], None]
    #: Queues a layer's package, just published, for unpacking.
    prepare_layer: Callable[[bytes], None]
    #: Initializes provisioned concurrency (a ``provisioned_concurrency.Provisioner``).
    provisioner: Any = None
    #: Credentials localaws accepts, for its own calls back to itself (Step Functions tasks).
    credentials: dict[str, str] = field(default_factory=dict)


def install(endpoint: str, hooks: ExecutorHooks) -> None:
    """Check the seams, then patch moto (before state is restored). The fixes are applied
    once per process; the hooks of the latest executor replace any earlier one's."""
    global _endpoint, _installed, _credentials
    from localaws.moto_glue import seams

    seams.check()
    with _lock:
        from localaws.moto_glue import (  # noqa: F401  (cfn_bucket_policy: a type)
            aliases,
            bucket_policy_conditions,
            cfn_bucket_notifications,
            cfn_bucket_policy,
            cfn_managed_policies,
            code_location,
            container_images,
            dead_letter_config,
            error_bodies,
            event_invoke_config,
            event_queue,
            eventbridge_lambda,
            extension_layers,
            function_shape,
            function_states,
            invoke_hook,
            invoke_request,
            layer_unpacking,
            managed_policies,
            metric_dimensions,
            model_files,
            package_check,
            provisioned_concurrency,
            region_lists,
            rest_api_import,
            s3_async_notifications,
            s3_notification_permission,
            sns_async_lambda,
            sqs_source,
        )
        from localaws.moto_glue.front_doors import (  # noqa: F401  (cfn_*: CloudFormation types)
            api_endpoints,
            cfn_function_url,
            cfn_http_api,
            cfn_rest_api,
            cfn_rest_stage,
            function_urls,
            policy_conditions,
            quick_create,
        )

        code_location.install(endpoint)  # this server's address in code download URLs
        function_urls.install(endpoint)  # and in FunctionUrl
        api_endpoints.install(endpoint)  # and in an HTTP API's ApiEndpoint
        if not _installed:
            model_files.install()  # first: what the others read goes through its cache
            aliases.install()
            bucket_policy_conditions.install()
            cfn_bucket_notifications.install()
            error_bodies.install()
            cfn_managed_policies.install()
            container_images.install()
            extension_layers.install()
            region_lists.install()
            rest_api_import.install()
            invoke_request.install()
            managed_policies.install()
            metric_dimensions.install()
            dead_letter_config.install()
            function_shape.install()
            event_invoke_config.install()
            package_check.install()
            s3_notification_permission.install()
            sqs_source.install()
            policy_conditions.install()
            quick_create.install()
            cfn_rest_api.install()
        invoke_hook.install(hooks.invoke)
        function_states.install(hooks.prepare_function)
        layer_unpacking.install(hooks.prepare_layer)
        provisioned_concurrency.install(hooks.provisioner)
        s3_async_notifications.install(hooks.submit_arn_event)
        sns_async_lambda.install(hooks.submit_arn_event)
        eventbridge_lambda.install(hooks.submit_arn_event)
        _endpoint, _credentials = endpoint, hooks.credentials
        _installed = True


def before_request(environ: dict[str, Any]) -> None:
    """Install what a request needs that was left until first use (Step Functions tasks,
    CloudFormation's fixes); let a GetFunction wait for its function's preparation under way
    (function_preparer)."""
    if environ.get("HTTP_X_AMZ_TARGET", "").startswith(STEP_FUNCTIONS_TARGET):
        _install_step_functions_tasks()
    if not _cloudformation_installed and CLOUDFORMATION_SCOPE in (
        environ.get("HTTP_AUTHORIZATION", "") + environ.get("QUERY_STRING", "")
    ):
        install_cloudformation()
    if environ.get("REQUEST_METHOD") == "GET" and _installed:
        from localaws.moto_glue import function_preparer

        function_preparer.wait_before_read(environ)


def install_cloudformation() -> None:
    """CloudFormation's fixes (stacks, the SAM transform, template URLs), once: at the first
    CloudFormation request, or right after the server is ready, whichever comes first."""
    global _cloudformation_installed
    with _lock:
        if _cloudformation_installed or not _installed:
            return
        from localaws.moto_glue import seams

        seams.check(lazy="cloudformation")
        from localaws.moto_glue import cfn_sam_transform, cfn_stacks, cfn_template_url

        cfn_sam_transform.install()
        cfn_stacks.install()
        cfn_template_url.install()
        _cloudformation_installed = True


def _install_step_functions_tasks() -> None:
    """At the first Step Functions call, not at start: moto's interpreter takes over a second
    to import (it loads EC2's whole model), and makes boto3 sessions as it is imported, which
    must not happen before the server has dropped the host's AWS settings."""
    global _step_functions_installed
    with _lock:
        if _step_functions_installed:
            return
        from localaws.moto_glue import seams

        seams.check(lazy="stepfunctions")
        from localaws.moto_glue import stepfunctions_tasks

        stepfunctions_tasks.install(_endpoint, _credentials)
        _step_functions_installed = True


def after_restore() -> None:
    """Bring state restored from an older snapshot up to what the fixes provide."""
    from localaws.moto_glue import managed_policies

    managed_policies.backfill_restored()
