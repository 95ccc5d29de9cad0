"""Every moto name localaws relies on, checked when localaws starts.

localaws replaces or reads these functions, methods and attributes of moto (several private).
A moto release that renames one, or changes the parameters localaws passes, would make
localaws quietly wrong; instead ``check`` names what changed and localaws refuses to start.
Run it before any other module of ``moto_glue`` is imported: they look these names up as they
are imported.
"""

from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass
from importlib.metadata import version

from localaws.errors import LocalAwsError


@dataclass(frozen=True)
class Seam:
    """``module:Name.attribute`` must exist; with ``params``, a callable whose parameters
    begin with these names; with ``assigned``, a class whose ``__init__`` sets
    ``self.<assigned>``."""

    path: str
    params: tuple[str, ...] = ()
    assigned: str = ""
    #: Parameter names the callable must take, wherever they stand (passed by keyword).
    keywords: tuple[str, ...] = ()
    #: Checked when first used rather than at start (Step Functions: a slow import).
    lazy: bool = False

    def problem(self) -> str | None:
        """What is wrong with this seam in the installed moto, or None."""
        module_name, _, attribute = self.path.partition(":")
        try:
            target: object = importlib.import_module(module_name)
        except ImportError as error:
            return f"{module_name} cannot be imported ({error})"
        for part in attribute.split(".") if attribute else ():
            if not hasattr(target, part):
                return f"{self.path} is missing"
            target = getattr(target, part)
        if self.params and not _starts_with(target, self.params):
            return f"{self.path} no longer takes ({', '.join(self.params)}, ...)"
        missing = [name for name in self.keywords if name not in _parameters(target)]
        if missing:
            return f"{self.path} no longer takes {', '.join(missing)}"
        if self.assigned and f"self.{self.assigned}" not in _init_source(target):
            return f"{self.path} no longer sets self.{self.assigned}"
        return None


def _parameters(target: object) -> list[str]:
    try:
        return list(inspect.signature(target).parameters)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return []


def _starts_with(target: object, params: tuple[str, ...]) -> bool:
    return _parameters(target)[: len(params)] == list(params)


def _init_source(target: object) -> str:
    try:
        return inspect.getsource(target.__init__)  # type: ignore[misc]
    except (TypeError, OSError):
        return ""


AWSLAMBDA = "moto.awslambda.models"
CFN_PARAMS = ("resource_name", "cloudformation_json", "account_id", "region_name")
SEAMS = (
    # The executor's seam: every invocation moto makes goes through this method.
    Seam(f"{AWSLAMBDA}:LambdaFunction.invoke", ("self", "body", "request_headers")),
    Seam(f"{AWSLAMBDA}:LambdaFunction.__init__", ("self", "account_id", "spec", "region")),
    Seam(f"{AWSLAMBDA}:LambdaFunction.update_configuration", ("self", "config_updates")),
    Seam(f"{AWSLAMBDA}:LambdaFunction.get_configuration", ("self", "on_create")),
    Seam(f"{AWSLAMBDA}:LambdaFunction.get_code", ("self",)),
    Seam(f"{AWSLAMBDA}:LayerVersion.get_layer_version", ("self",)),
    Seam(f"{AWSLAMBDA}:LambdaBackend.create_event_source_mapping", ("self", "spec")),
    Seam(f"{AWSLAMBDA}:LambdaBackend", assigned="_event_source_mappings"),
    Seam(f"{AWSLAMBDA}:_zipfile_content", ("zipfile_content",)),
    Seam(f"{AWSLAMBDA}:_s3_content", ("key",)),
    Seam(f"{AWSLAMBDA}:lambda_backends"),
    Seam(f"{AWSLAMBDA}:LambdaBackend.layers_versions_by_arn", ("self", "layer_version_arn")),
    Seam("moto.awslambda.exceptions:LambdaClientError"),
    Seam("moto.awslambda.exceptions:InvalidParameterValueException"),
    Seam("moto.s3.notifications:_invoke_awslambda", ("account_id", "event_body", "fn_arn")),
    Seam(
        "moto.s3.models:S3Backend.put_bucket_notification_configuration",
        ("self", "bucket_name", "notification_config"),
    ),
    Seam("moto.s3.exceptions:S3ClientError"),
    # function_states.py and function_shape.py: AWS's function states and configuration shape
    Seam(f"{AWSLAMBDA}:LambdaBackend.create_function", ("self", "spec")),
    Seam(f"{AWSLAMBDA}:LambdaBackend.invoke", ("self", "function_name", "qualifier")),
    Seam(f"{AWSLAMBDA}:LambdaBackend.get_function", ("self", "function_name_or_arn", "qualifier")),
    Seam(f"{AWSLAMBDA}:LambdaBackend.list_versions_by_function", ("self", "function_name")),
    Seam(f"{AWSLAMBDA}:LambdaBackend.list_functions", ("self",)),
    Seam(f"{AWSLAMBDA}:LambdaStorage.publish_version", ("self", "name_or_arn", "description")),
    Seam(f"{AWSLAMBDA}:LambdaStorage.get_function_by_name_or_arn_forbid_qualifier", ("self",)),
    Seam(f"{AWSLAMBDA}:LambdaFunction.get_configuration", ("self", "on_create")),
    Seam(f"{AWSLAMBDA}:LambdaFunction", assigned="last_modified"),
    Seam(f"{AWSLAMBDA}:LambdaFunction", assigned="run_time"),
    Seam("moto.awslambda.exceptions:PreconditionFailedException"),
    Seam("moto.awslambda.responses:LambdaResponse.update_function_code", ("self",)),
    Seam("moto.awslambda.responses:LambdaResponse.update_function_configuration", ("self",)),
    Seam("moto.awslambda.responses:LambdaResponse.publish_version", ("self",)),
    Seam(
        "moto.sns.models:Subscription.publish",
        ("self", "message", "message_id", "subject", "message_attributes"),
    ),
    Seam("moto.sns.models:Subscription", assigned="_filter_policy_matcher"),
    Seam("moto.sns.models:Subscription._parse_message_structure", ("self", "message")),
    Seam("moto.sns.models:sns_backends"),
    Seam(
        "moto.sns.models:SNSBackend.publish",
        ("self", "message"),
        keywords=("arn", "message_attributes"),
    ),
    Seam(
        "moto.sqs.models:SQSBackend.send_message",
        ("self", "queue_name", "message_body"),
        keywords=("message_attributes", "system_attributes"),
    ),
    Seam(
        "moto.sqs.models:SQSBackend.receive_message",
        ("self", "queue_name", "count", "wait_seconds_timeout", "visibility_timeout"),
    ),
    Seam(
        "moto.sqs.models:SQSBackend.change_message_visibility",
        ("self", "queue_name", "receipt_handle", "visibility_timeout"),
    ),
    Seam("moto.sqs.models:SQSBackend.delete_message", ("self", "queue_name", "receipt_handle")),
    Seam("moto.sqs.models:Queue", assigned="lambda_event_source_mappings"),
    Seam("moto.sqs.models:Queue", assigned="_messages"),
    Seam("moto.sqs.models:sqs_backends"),
    Seam("moto.events.models:Rule.send_to_targets", ("self", "original_event")),
    Seam("moto.events.models:EventPattern", assigned="_pattern"),
    Seam("moto.events.models:events_backends"),
    Seam("moto.events.models:EventsBackend.put_events", ("self", "events")),
    Seam("moto.events.utils:EventTemplateParser.parse"),
    Seam("moto.iam.models:IAMBackend._init_aws_policies", ("self",)),
    Seam("moto.iam.models:Role.create_from_cloudformation_json", CFN_PARAMS),
    Seam("moto.iam.models:Role.delete_from_cloudformation_json", CFN_PARAMS),
    Seam("moto.iam.models:AWSManagedPolicy"),
    Seam("moto.iam.models:iam_backends"),
    Seam("moto.iam.aws_managed_policies:aws_managed_policies_data"),
    Seam("moto.logs.models:logs_backends"),
    Seam("moto.cloudwatch.models:cloudwatch_backends"),
    Seam("moto.core.base_backend:BackendDict._instances"),
    # state/touched.py records these lookups; state/segments.py names each service backend.
    Seam("moto.core.base_backend:BackendDict.__getitem__", ("self", "account_id")),
    Seam("moto.core.base_backend:BackendDict", assigned="backend"),
    Seam("moto.core.base_backend:BaseBackend.__init__", ("self", "region_name", "account_id")),
    # state/segments.py keeps log events out of the pickle; moto_glue/log_retention.py expires them.
    Seam("moto.logs.models:LogEvent.__init__", ("self", "ingestion_time", "log_event")),
    Seam("moto.logs.models:LogStream", assigned="events"),
    Seam("moto.logs.models:LogGroup", assigned="retention_in_days"),
    Seam("moto.moto_api._internal.managed_state_model:ManagedState", assigned="_tick"),
    # state/s3_values.py stores object bodies as FakeKey.__getstate__ does, counting changes.
    Seam("moto.s3.models:FakeKey.value"),
    Seam("moto.s3.models:FakeKey.__setstate__", ("self", "state")),
    Seam("moto.s3.models:FakeKey", assigned="_value_buffer"),
    Seam("moto.core.utils:utcnow"),
    Seam("moto.core.models:botocore_stubber"),
    Seam("moto.utilities.utils:get_partition", ("region",)),
    Seam(
        "moto.stepfunctions.parser.asl.component.common.timeouts.timeout:"
        "TimeoutSeconds.DEFAULT_TIMEOUT_SECONDS",
        lazy=True,
    ),
    Seam(
        "moto.stepfunctions.parser.asl.utils.boto_client:boto_client_for",
        ("region", "service"),
        lazy=True,
    ),
    Seam(
        "moto.stepfunctions.parser.models:StepFunctionsParserBackend.start_execution",
        ("self", "state_machine_arn", "name"),
        lazy=True,
    ),
    Seam("moto.server:DomainDispatcherApplication", assigned="create_app"),
    Seam("moto.server:DomainDispatcherApplication", assigned="app_instances"),
    Seam("moto.server:create_backend_app"),
    # Invoke's Qualifier, alias routing and the answer's request id (invoke_request).
    Seam("moto.awslambda.responses:LambdaResponse.invoke", ("self",)),
    Seam(
        "moto.awslambda.responses:LambdaResponse.setup_class",
        ("self", "request", "full_url", "headers", "use_raw_body"),
    ),
    Seam(
        f"{AWSLAMBDA}:LambdaBackend.invoke",
        ("self", "function_name", "qualifier", "body", "headers", "response_headers"),
    ),
    Seam(f"{AWSLAMBDA}:LambdaBackend.get_alias", ("self", "name", "function_name")),
    Seam(f"{AWSLAMBDA}:LambdaAlias", assigned="routing_config"),
    Seam("moto.core.responses:gen_amzn_requestid_long", ("headerdict",)),
    # PutFunctionEventInvokeConfig replaces, Update merges (event_invoke_config).
    Seam(f"{AWSLAMBDA}:EventInvokeConfig.__init__", ("self", "arn", "last_modified", "config")),
    Seam(
        f"{AWSLAMBDA}:LambdaBackend.put_function_event_invoke_config",
        ("self", "function_name", "config"),
    ),
    Seam(
        f"{AWSLAMBDA}:LambdaBackend.update_function_event_invoke_config",
        ("self", "function_name", "config"),
    ),
    Seam(f"{AWSLAMBDA}:LambdaFunction", assigned="event_invoke_config"),
    Seam("moto.awslambda.exceptions:UnknownEventConfig"),
    Seam("moto.awslambda.exceptions:InvalidParameterValueException.__init__", ("self", "message")),
    Seam(
        "boto3.session:Session.get_available_regions",
        ("self", "service_name", "partition_name", "allow_non_regional"),
    ),
    Seam("moto.moto_server.werkzeug_app:MotoRequestHandler"),
    # The keys the account issued, accepted as signing keys (account_keys.py).
    Seam("moto.iam.models:iam_backends"),
    Seam("moto.iam.models:IAMBackend", assigned="users"),
    Seam("moto.iam.models:User", assigned="access_keys"),
    Seam("moto.iam.models:AccessKey", assigned="secret_access_key"),
    Seam("moto.iam.models:AccessKey", assigned="status"),
    Seam("moto.sts.models:sts_backends"),
    Seam("moto.sts.models:STSBackend", assigned="assumed_roles"),
    Seam("moto.sts.models:AssumedRole", assigned="secret_access_key"),
    Seam("moto.sts.models:AssumedRole", assigned="session_token"),
    Seam("moto.sts.models:AssumedRole", assigned="expiration"),
    # botocore's signer computes the signature a request should carry (server/sigv4.py,
    # server/sigv2.py), with these of its methods.
    Seam("botocore.auth:SigV4Auth._normalize_url_path", ("self", "path")),
    Seam("botocore.auth:SigV4Auth._canonical_query_string_url", ("self", "parts")),
    Seam("botocore.auth:SigV4Auth.canonical_headers", ("self", "headers_to_sign")),
    Seam("botocore.auth:SigV4Auth.string_to_sign", ("self", "request", "canonical_request")),
    Seam("botocore.auth:SigV4Auth.signature", ("self", "string_to_sign", "request")),
    Seam("botocore.auth:S3SigV4Auth._normalize_url_path", ("self", "path")),
    Seam("botocore.auth:HmacV1Auth.canonical_string", ("self", "method", "split", "headers")),
    Seam("botocore.auth:HmacV1Auth.sign_string", ("self", "string_to_sign")),
    Seam("botocore.auth:HmacV1Auth._get_date", ("self",)),
    # Public-read objects are served unsigned (s3_public.py).
    Seam("moto.s3.models:s3_backends"),
    Seam("moto.s3.models:FakeBucket", assigned="keys"),
    Seam("moto.s3.models:FakeBucket", assigned="policy"),
    Seam("moto.s3.models:FakeKey", assigned="acl"),
    Seam("moto.s3.models:FakeGrant", assigned="grantees"),
    Seam("moto.s3.models:FakeGrantee", assigned="uri"),
)


class MotoSeamError(LocalAwsError):
    """The installed moto lacks a name localaws relies on."""


def problems(lazy: bool | None = None) -> list[str]:
    """What is wrong, for the seams checked at start (``lazy=False``), when first used
    (``lazy=True``) or all of them (None)."""
    chosen = [seam for seam in SEAMS if lazy is None or seam.lazy is lazy]
    return [problem for seam in chosen if (problem := seam.problem()) is not None]


def check(lazy: bool = False) -> None:
    """MotoSeamError naming the moto version and the first name that is missing or changed
    (the seams checked at start, or with ``lazy`` those checked when first used)."""
    found = problems(lazy)
    if found:
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        raise MotoSeamError(
            f"localaws cannot run with moto {version('moto')}: {found[0]}{more}.",
            "Install the version in constraints.txt ('make install').",
        )
