"""Logs each uploaded key; answers an HTTP API or REST API call with a greeting."""

import json


def handler(event, context):
    for record in event.get("Records", []):
        print("uploaded", record["s3"]["bucket"]["name"], record["s3"]["object"]["key"])
    name = (event.get("pathParameters") or {}).get("name", "nobody")
    route = event.get("routeKey") or event.get("resource")  # HTTP API, REST API
    return {"statusCode": 200, "body": json.dumps({"hello": name, "route": route})}
