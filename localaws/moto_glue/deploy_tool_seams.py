"""The moto names localaws relies on so that SAM CLI and CDK deploy unchanged (part of
``seams.SEAMS``): CloudFormation resource types moto lacks, and S3 details they depend on."""

from __future__ import annotations

from localaws.moto_glue.seam_type import CFN_PARAMS, Seam

DEPLOY_TOOL_SEAMS = (
    # A key's last use is recorded by writes only (localaws/state/touched.py; moto's
    # responses import the function as each request arrives, so replacing it works).
    Seam(
        "moto.iam.models:mark_account_as_visited", ("account_id", "access_key", "service", "region")
    ),
    # Types a stack accepts without creating anything: AWS::CDK::Metadata (cfn_stacks.py).
    Seam("moto.cloudformation.parsing:NULL_MODELS"),
    # A failed creation names the resource that failed (cfn_stacks.py).
    Seam(
        "moto.cloudformation.parsing:parse_and_create_resource",
        ("logical_id", "resource_json", "resources_map", "account_id", "region_name"),
    ),
    # AWS::S3::BucketPolicy in CloudFormation (cfn_bucket_policy.py); moto takes the direct
    # A bucket policy's conditional statements are left out (bucket_policy_conditions.py).
    Seam("moto.s3.models:FakeBucket.get_permission", ("self", "action", "resource")),
    Seam("moto.s3.models:FakeBucket", assigned="policy"),
    Seam("moto.iam.access_control:IAMPolicy.is_action_permitted", ("self", "action", "resource")),
    Seam("moto.iam.access_control:PermissionResult"),
    # AWS::S3::Bucket's NotificationConfiguration (cfn_bucket_notifications.py).
    Seam("moto.s3.models:FakeBucket.create_from_cloudformation_json", CFN_PARAMS),
    Seam(
        "moto.s3.models:FakeBucket.update_from_cloudformation_json",
        ("original_resource", "new_resource_name", "cloudformation_json", "account_id"),
    ),
    Seam(
        "moto.s3.models:S3Backend.put_bucket_notification_configuration",
        ("self", "bucket_name", "notification_config"),
    ),
    Seam("moto.s3.models:FakeBucket", assigned="partition"),
    Seam("moto.s3.models:FakeBucket", assigned="name"),
    # AWS::ApiGatewayV2::Api, Stage, Integration and Route (front_doors/cfn_http_api.py).
    Seam("moto.apigatewayv2.exceptions:APIGatewayV2Error"),
    Seam(
        "moto.apigatewayv2.models:ApiGatewayV2Backend.create_api",
        ("self", "api_key_selection_expression", "cors_configuration", "description"),
        keywords=(
            "disable_schema_validation",
            "disable_execute_api_endpoint",
            "name",
            "protocol_type",
            "route_selection_expression",
            "tags",
            "version",
        ),
    ),
    Seam("moto.apigatewayv2.models:ApiGatewayV2Backend.delete_api", ("self", "api_id")),
    Seam("moto.apigatewayv2.models:ApiGatewayV2Backend.create_stage", ("self", "api_id", "config")),
    Seam("moto.apigatewayv2.models:Api.import_api", ("self", "body_str", "fail_on_warnings")),
    Seam("moto.apigatewayv2.models:Api.delete_stage", ("self", "stage_name")),
    Seam("moto.apigatewayv2.models:Api.delete_integration", ("self", "integration_id")),
    Seam("moto.apigatewayv2.models:Api.delete_route", ("self", "route_id")),
    Seam("moto.apigatewayv2.models:Api", assigned="api_id"),
    Seam("moto.apigatewayv2.models:Route", assigned="route_id"),
    Seam("moto.apigatewayv2.models:Integration", assigned="id"),
    Seam("moto.apigatewayv2.models:Stage", assigned="name"),
    # AWS::ApiGateway::Stage (front_doors/cfn_rest_stage.py).
    Seam("moto.apigateway.exceptions:ApiGatewayException"),
    Seam(
        "moto.apigateway.models:APIGatewayBackend.create_stage",
        ("self", "function_id", "stage_name", "deploymentId"),
        keywords=("variables", "description", "tags", "tracing_enabled"),
    ),
    Seam(
        "moto.apigateway.models:APIGatewayBackend.delete_stage",
        ("self", "function_id", "stage_name"),
    ),
)
