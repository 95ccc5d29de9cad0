"""Every moto name localaws relies on, checked when localaws starts.

localaws replaces or reads these functions, methods and attributes of moto (several private).
A moto release that renames one, or changes the parameters localaws passes, would make
localaws quietly wrong; instead ``check`` names what changed and localaws refuses to start.
Run it before any other module of ``moto_glue`` is imported: they look these names up as they
are imported.
"""

from __future__ import annotations

from importlib.metadata import version

from localaws.errors import LocalAwsError
from localaws.moto_glue.deploy_tool_seams import DEPLOY_TOOL_SEAMS
from localaws.moto_glue.seam_type import CFN_PARAMS, Seam
from localaws.moto_glue.start_up_seams import START_UP_SEAMS

AWSLAMBDA = "moto.awslambda.models"
SEAMS = (
    # The executor's seam: every invocation moto makes goes through this method.
    Seam(f"{AWSLAMBDA}:LambdaFunction.invoke", ("self", "body", "request_headers")),
    Seam(f"{AWSLAMBDA}:LambdaFunction.__init__", ("self", "account_id", "spec", "region")),
    Seam(f"{AWSLAMBDA}:LambdaFunction.update_configuration", ("self", "config_updates")),
    Seam(f"{AWSLAMBDA}:LambdaFunction.get_configuration", ("self", "on_create")),
    Seam(f"{AWSLAMBDA}:LambdaFunction._get_layers_data", ("self", "layers_versions_arns")),
    Seam(f"{AWSLAMBDA}:LambdaBackend.layers_versions_by_arn", ("self", "layer_version_arn")),
    Seam(f"{AWSLAMBDA}:LambdaFunction.create_from_cloudformation_json", CFN_PARAMS),
    Seam(f"{AWSLAMBDA}:LambdaFunction.get_code", ("self",)),
    Seam(f"{AWSLAMBDA}:LayerVersion.get_layer_version", ("self",)),
    Seam(f"{AWSLAMBDA}:LambdaBackend.create_event_source_mapping", ("self", "spec")),
    Seam(f"{AWSLAMBDA}:LambdaBackend.create_function", ("self", "spec")),
    Seam(f"{AWSLAMBDA}:LambdaBackend.publish_layer_version", ("self", "spec")),
    Seam(f"{AWSLAMBDA}:LayerVersion", assigned="code_bytes"),
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
    Seam(f"{AWSLAMBDA}:LambdaFunction._get_layers_data", ("self", "layers_versions_arns")),
    Seam(f"{AWSLAMBDA}:LambdaBackend.layers_versions_by_arn", ("self", "layer_version_arn")),
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
        keywords=("message_attribute_names",),  # records carry the attributes (sqs_source)
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
    # cfn_stacks.py and cfn_template_url.py
    Seam("moto.cloudformation.models:Stack.create_resources", ("self",)),
    Seam("moto.cloudformation.models:Stack._parse_template", ("self",)),
    Seam("moto.cloudformation.models:Stack._create_resource_map", ("self",)),
    Seam("moto.cloudformation.models:Stack._create_output_map", ("self",)),
    Seam("moto.cloudformation.models:Stack._add_stack_event", ("self", "resource_status")),
    Seam("moto.cloudformation.models:Stack.update", ("self", "template", "role_arn")),
    Seam(
        "moto.cloudformation.models:CloudFormationBackend.execute_change_set",
        ("self", "change_set_name", "stack_name"),
    ),
    Seam(
        "moto.cloudformation.models:CloudFormationBackend._validate_export_uniqueness",
        ("self", "stack"),
    ),
    Seam("moto.cloudformation.models:CloudFormationBackend", assigned="change_sets"),
    Seam("moto.cloudformation.models:Event.__init__", ("self", "stack_id", "stack_name")),
    Seam("moto.cloudformation.models:ChangeSet._parse_template", ("self",)),
    Seam("moto.cloudformation.models:Stack", assigned="template_dict"),
    Seam("moto.cloudformation.models:Stack", assigned="stack_id"),
    Seam("moto.cloudformation.parsing:get_model_map"),
    Seam("moto.cloudformation.parsing:NULL_MODELS"),
    Seam("moto.cloudformation.parsing:ResourceMap", assigned="_parsed_resources"),
    Seam("moto.cloudformation.parsing:ResourceMap.delete", ("self",)),
    Seam("moto.cloudformation.responses:get_stack_from_s3_url", ("template_url", "account_id")),
    Seam("moto.cloudwatch.models:CloudWatchBackend.put_metric_data", ("self", "namespace")),
    Seam(
        "moto.cloudwatch.models:are_dimensions_same",
        ("metric_dimensions", "dimensions"),
    ),
    Seam("moto.core.base_backend:BackendDict._instances"),
    # state/touched.py records these lookups; state/segments.py names each service backend.
    Seam("moto.core.base_backend:BackendDict.__getitem__", ("self", "account_id")),
    Seam("moto.core.base_backend:BackendDict", assigned="backend"),
    Seam("moto.core.base_backend:BaseBackend.__init__", ("self", "region_name", "account_id")),
    # state/segments.py keeps log events out of the pickle; moto_glue/retention.py expires them.
    Seam("moto.logs.models:LogEvent.__init__", ("self", "ingestion_time", "log_event")),
    Seam("moto.logs.models:LogStream", assigned="events"),
    Seam("moto.logs.models:LogGroup", assigned="retention_in_days"),
    Seam("moto.moto_api._internal.managed_state_model:ManagedState", assigned="_tick"),
    # state/s3_values.py stores object bodies as FakeKey.__getstate__ does, counting changes.
    Seam("moto.s3.models:FakeKey.value"),
    Seam("moto.s3.models:FakeKey.__setstate__", ("self", "state")),
    Seam("moto.s3.models:FakeKey", assigned="_value_buffer"),
    Seam("moto.core.utils:utcnow"),
    Seam("moto.core.routing:get_service_router", ("service_name",)),
    Seam("moto.core.routing:ServiceOperationRouter", assigned="_service_model"),
    Seam("moto.core.routing:ServiceOperationRouter._get_router", ("self", "protocol")),
    Seam("moto.core.models:botocore_stubber"),
    Seam("moto.utilities.utils:get_partition", ("region",)),
    Seam(
        "moto.stepfunctions.parser.asl.component.common.timeouts.timeout:"
        "TimeoutSeconds.DEFAULT_TIMEOUT_SECONDS",
        lazy="stepfunctions",
    ),
    Seam(
        "moto.stepfunctions.parser.asl.utils.boto_client:boto_client_for",
        ("region", "service"),
        lazy="stepfunctions",
    ),
    Seam(
        "moto.stepfunctions.parser.models:StepFunctionsParserBackend.start_execution",
        ("self", "state_machine_arn", "name"),
        lazy="stepfunctions",
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
    Seam(f"{AWSLAMBDA}:EventInvokeConfig", assigned="last_modified"),
    Seam(f"{AWSLAMBDA}:LambdaBackend.list_versions_by_function", ("self", "function_name")),
    *(
        Seam(f"moto.awslambda.responses:LambdaResponse.{name}", ("self",))
        for name in (
            "put_function_event_invoke_config",
            "update_function_event_invoke_config",
            "get_function_event_invoke_config",
            "delete_function_event_invoke_config",
            "list_function_event_invoke_configs",
        )
    ),
    Seam("moto.awslambda.exceptions:UnknownEventConfig"),
    # Event source mappings answered as on AWS; records with message attributes (sqs_source).
    Seam(f"{AWSLAMBDA}:EventSourceMapping.get_configuration", ("self",)),
    Seam("moto.awslambda.responses:LambdaResponse.create_event_source_mapping", ("self",)),
    Seam("moto.awslambda.responses:LambdaResponse.update_event_source_mapping", ("self",)),
    Seam("moto.sqs.models:Message.attribute_md5"),
    # Lambda's error bodies carry Type and Message (error_bodies); Invoke names :$LATEST.
    Seam("moto.awslambda.exceptions:LambdaClientError.__init__", ("self", "error", "message")),
    Seam("moto.core.exceptions:JsonRESTError", assigned="description"),
    Seam("moto.awslambda.exceptions:UnknownFunctionException.__init__", ("self", "arn")),
    # GetAlias/UpdateAlias answer 200, an update gives a new RevisionId (aliases).
    Seam(f"{AWSLAMBDA}:LambdaAlias.update", ("self", "description", "function_version")),
    Seam(f"{AWSLAMBDA}:LambdaAlias.to_json", ("self",)),
    Seam(f"{AWSLAMBDA}:LambdaAlias", assigned="revision_id"),
    Seam("moto.awslambda.responses:LambdaResponse.get_alias", ("self",)),
    Seam("moto.awslambda.responses:LambdaResponse.update_alias", ("self",)),
    Seam("moto.awslambda.exceptions:InvalidParameterValueException.__init__", ("self", "message")),
    # ImportRestApi without info.description (rest_api_import).
    Seam(
        "moto.apigateway.models:APIGatewayBackend.import_rest_api",
        ("self", "api_doc", "fail_on_warnings"),
    ),
    Seam("moto.apigateway.models:RestAPI", assigned="description"),
    Seam("moto.moto_server.werkzeug_app:MotoRequestHandler"),
    # Function URLs answer over HTTP (front_doors/function_urls.py, url_door.py, sigv4.py).
    Seam(f"{AWSLAMBDA}:FunctionUrlConfig.to_dict", ("self",)),
    Seam(f"{AWSLAMBDA}:FunctionUrlConfig", assigned="url"),
    Seam(f"{AWSLAMBDA}:FunctionUrlConfig", assigned="config"),
    Seam(f"{AWSLAMBDA}:FunctionUrlConfig", assigned="function"),
    Seam(f"{AWSLAMBDA}:LambdaFunction.create_url_config", ("self", "config")),
    Seam(f"{AWSLAMBDA}:LambdaFunction.update_url_config", ("self", "config")),
    Seam(f"{AWSLAMBDA}:LambdaFunction", assigned="url_config"),
    Seam(f"{AWSLAMBDA}:LambdaFunction", assigned="policy"),
    Seam(f"{AWSLAMBDA}:LambdaBackend.list_functions", ("self",)),
    # AWS::Lambda::Url in CloudFormation (front_doors/cfn_function_url.py).
    Seam("moto.core.common_models:CloudFormationModel"),
    Seam(
        f"{AWSLAMBDA}:LambdaBackend.create_function_url_config", ("self", "name_or_arn", "config")
    ),
    Seam(
        f"{AWSLAMBDA}:LambdaBackend.update_function_url_config", ("self", "name_or_arn", "config")
    ),
    Seam(f"{AWSLAMBDA}:LambdaBackend.delete_function_url_config", ("self", "name_or_arn")),
    Seam("moto.awslambda.policy:Policy", assigned="statements"),
    Seam("moto.awslambda.policy:Policy.condition_merge", ("self", "obj")),
    Seam("moto.iam.models:IAMBackend.get_all_access_keys_for_all_users", ("self",)),
    Seam("moto.iam.models:AccessKey", assigned="secret_access_key"),
    Seam("moto.iam.models:AccessKey", assigned="status"),
    # REST and HTTP APIs answer over HTTP (front_doors/rest_door.py, http_door.py, ...).
    Seam("moto.apigateway.models:apigateway_backends"),
    Seam("moto.apigateway.models:APIGatewayBackend", assigned="apis"),
    Seam("moto.apigateway.models:RestAPI", assigned="stages"),
    Seam("moto.apigateway.models:RestAPI", assigned="resources"),
    Seam("moto.apigateway.models:Resource", assigned="resource_methods"),
    Seam("moto.apigateway.models:Resource.get_path", ("self",)),
    Seam("moto.apigateway.models:Method", assigned="method_integration"),
    Seam("moto.apigateway.models:Integration", assigned="integration_type"),
    Seam("moto.apigateway.models:Integration", assigned="uri"),
    Seam("moto.apigateway.models:Integration", assigned="request_templates"),
    Seam("moto.apigateway.models:Integration", assigned="timeout_in_millis"),
    Seam("moto.apigateway.models:Integration", assigned="integration_responses"),
    Seam("moto.apigateway.models:IntegrationResponse", assigned="response_templates"),
    Seam("moto.apigateway.models:IntegrationResponse", assigned="selection_pattern"),
    Seam("moto.apigateway.models:IntegrationResponse", assigned="response_parameters"),
    Seam("moto.apigateway.models:Stage", assigned="variables"),
    Seam("moto.apigateway.models:Stage", assigned="deployment_id"),
    Seam("moto.apigatewayv2.models:apigatewayv2_backends"),
    Seam("moto.apigatewayv2.models:ApiGatewayV2Backend", assigned="apis"),
    Seam("moto.apigatewayv2.models:Api.to_json", ("self",)),
    Seam("moto.apigatewayv2.models:Api", assigned="routes"),
    Seam("moto.apigatewayv2.models:Api", assigned="integrations"),
    Seam("moto.apigatewayv2.models:Api", assigned="stages"),
    Seam("moto.apigatewayv2.models:Api", assigned="cors_configuration"),
    Seam("moto.apigatewayv2.models:Route", assigned="route_key"),
    Seam("moto.apigatewayv2.models:Route", assigned="target"),
    Seam("moto.apigatewayv2.models:Integration", assigned="integration_uri"),
    Seam("moto.apigatewayv2.models:Integration", assigned="payload_format_version"),
    Seam("moto.apigatewayv2.models:Stage", assigned="stage_variables"),
    # subclasses of CloudFormationModel as resource types (front_doors/cfn_http_api.py too).
    Seam("moto.cloudformation.parsing:get_model_list"),
    Seam("moto.s3.models:s3_backends"),
    Seam("moto.s3.exceptions:MissingBucket"),
    Seam("moto.s3.models:S3Backend.put_bucket_policy", ("self", "bucket_name", "policy")),
    Seam("moto.s3.models:S3Backend.delete_bucket_policy", ("self", "bucket_name")),
    # AWS::ApiGateway::RestApi with an OpenAPI Body (front_doors/cfn_rest_api.py).
    Seam("moto.apigateway.models:RestAPI.create_from_cloudformation_json", CFN_PARAMS),
    Seam(
        "moto.apigateway.models:APIGatewayBackend.put_rest_api",
        ("self", "function_id", "api_doc", "fail_on_warnings", "mode"),
    ),
    # HTTP API quick create (front_doors/quick_create.py).
    Seam("moto.apigatewayv2.responses:ApiGatewayV2Response.create_api", ("self",)),
    Seam("moto.apigatewayv2.models:ApiGatewayV2Backend.get_api", ("self", "api_id")),
    Seam(
        "moto.apigatewayv2.models:Api.create_integration",
        ("self", "connection_type", "description", "integration_method", "integration_type"),
        keywords=("integration_uri", "payload_format_version"),
    ),
    Seam(
        "moto.apigatewayv2.models:Api.create_route",
        ("self", "api_key_required", "authorization_scopes", "route_key", "target"),
    ),
    Seam("moto.apigatewayv2.models:Api.create_stage", ("self", "config")),
    # Lambda authorizers (front_doors/auth_steps.py).
    Seam("moto.apigateway.models:RestAPI", assigned="authorizers"),
    Seam("moto.apigateway.models:Method", assigned="authorization_type"),
    Seam("moto.apigateway.models:Method", assigned="authorizer_id"),
    Seam("moto.apigateway.models:Authorizer", assigned="type"),
    Seam("moto.apigateway.models:Authorizer", assigned="authorizer_uri"),
    Seam("moto.apigateway.models:Authorizer", assigned="identity_source"),
    Seam("moto.apigateway.models:Authorizer", assigned="authorizer_result_ttl"),
    Seam("moto.apigatewayv2.models:Api", assigned="authorizers"),
    Seam("moto.apigatewayv2.models:Route", assigned="authorization_type"),
    Seam("moto.apigatewayv2.models:Route", assigned="authorizer_id"),
    Seam("moto.apigatewayv2.models:Authorizer", assigned="authorizer_uri"),
    Seam("moto.apigatewayv2.models:Authorizer", assigned="auth_payload_format_version"),
    Seam("moto.apigatewayv2.models:Authorizer", assigned="enable_simple_response"),
    Seam("moto.apigatewayv2.models:Authorizer", assigned="identity_source"),
    Seam("moto.apigatewayv2.models:Authorizer", assigned="auth_result_ttl"),
    *DEPLOY_TOOL_SEAMS,
    *START_UP_SEAMS,
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


#: Seams in these modules are checked when the service is first used: importing
#: CloudFormation loads EC2's and Auto Scaling's models (about a second at every start).
LAZY_MODULES = {"moto.cloudformation.": "cloudformation"}


def group_of(seam: Seam) -> str:
    """When ``seam`` is checked: "" at start, else the group checked at first use."""
    module = seam.path.partition(":")[0] + "."
    found = (group for prefix, group in LAZY_MODULES.items() if module.startswith(prefix))
    return seam.lazy or next(found, "")


def problems(lazy: str | None = None) -> list[str]:
    """What is wrong, for the seams checked at start (``lazy=""``), those of one group checked
    when first used (``lazy="cloudformation"``), or all of them (None)."""
    chosen = [seam for seam in SEAMS if lazy is None or group_of(seam) == lazy]
    return [problem for seam in chosen if (problem := seam.problem()) is not None]


def check(lazy: str = "") -> None:
    """MotoSeamError naming the moto version and the first name that is missing or changed
    (the seams checked at start, or with ``lazy`` one group's, checked when first used)."""
    found = problems(lazy)
    if found:
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        raise MotoSeamError(
            f"localaws cannot run with moto {version('moto')}: {found[0]}{more}.",
            "Install the version in constraints.txt ('make install').",
        )
