"""The lab's reference handler: resize each uploaded image to half size into RESIZED_BUCKET."""

import io
import os
from urllib.parse import unquote_plus

import boto3
from PIL import Image

s3 = boto3.client("s3")


def lambda_handler(event, context):
    resized_bucket = os.environ["RESIZED_BUCKET"]
    for record in event["Records"]:
        bucket = record["s3"]["bucket"]["name"]
        key = unquote_plus(record["s3"]["object"]["key"])
        original = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        with Image.open(io.BytesIO(original)) as image:
            image_format = image.format or "JPEG"
            half = image.resize((max(1, image.width // 2), max(1, image.height // 2)))
        output = io.BytesIO()
        half.save(output, format=image_format)
        s3.put_object(Bucket=resized_bucket, Key=key, Body=output.getvalue())
        print(f"Resized {bucket}/{key} to {half.width}x{half.height} in {resized_bucket}")
    return {"resized": len(event["Records"])}
