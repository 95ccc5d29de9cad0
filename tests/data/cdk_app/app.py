"""A small CDK app the end-to-end test deploys with the CDK CLI: a function and a bucket."""

import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3


class GreeterStack(cdk.Stack):
    def __init__(self, scope: cdk.App, name: str) -> None:
        super().__init__(scope, name)
        bucket = s3.Bucket(self, "Notes")
        greeter = lambda_.Function(
            self,
            "Greeter",
            runtime=lambda_.Runtime.PYTHON_3_11,
            handler="greeter.handler",
            code=lambda_.Code.from_asset("handler"),
            environment={"NOTES_BUCKET": bucket.bucket_name},
        )
        cdk.CfnOutput(self, "FunctionName", value=greeter.function_name)
        cdk.CfnOutput(self, "BucketName", value=bucket.bucket_name)


app = cdk.App()
GreeterStack(app, "Greeter")
app.synth()
