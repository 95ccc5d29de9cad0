"""Logs each uploaded key; answers an HTTP API call with a greeting."""

import json


def handler(event, context):
    for record in event.get("Records", []):
        print("uploaded", record["s3"]["bucket"]["name"], record["s3"]["object"]["key"])
    name = (event.get("pathParameters") or {}).get("name", "nobody")
    return {"statusCode": 200, "body": json.dumps({"hello": name, "route": event.get("routeKey")})}
