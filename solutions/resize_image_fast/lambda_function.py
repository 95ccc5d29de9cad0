"""A faster resize_image: the same half-size copy, with less work per invocation.

- JPEG draft mode: libjpeg decodes straight at half scale (its DCT scaling), so the full-size
  image is never built; the result is already the exact half size for even dimensions, and
  otherwise one pixel larger, finished with a cheap bilinear resize.
- Other formats fall back to a full decode and a reducing bilinear resize.
- The S3 client is created once, when the environment starts, not per invocation.
- Bytes are streamed: S3's body goes straight to Pillow and the encoded result straight to
  S3 from memory; nothing touches /tmp.
"""

import io
import os
from urllib.parse import unquote_plus

import boto3
from PIL import Image

s3 = boto3.client("s3")


def half_size(original):
    """(encoded half-size image, its width and height) for an image file object."""
    with Image.open(original) as image:
        image_format = image.format or "JPEG"
        size = (max(1, image.width // 2), max(1, image.height // 2))
        if image_format == "JPEG":
            image.draft(image.mode, size)
        half = image if image.size == size else image.resize(size, Image.Resampling.BILINEAR)
        output = io.BytesIO()
        half.save(output, format=image_format)
    output.seek(0)
    return output, size


def lambda_handler(event, context):
    resized_bucket = os.environ["RESIZED_BUCKET"]
    for record in event["Records"]:
        bucket = record["s3"]["bucket"]["name"]
        key = unquote_plus(record["s3"]["object"]["key"])
        body = s3.get_object(Bucket=bucket, Key=key)["Body"]
        output, (width, height) = half_size(body)
        s3.put_object(Bucket=resized_bucket, Key=key, Body=output)
        print(f"Resized {bucket}/{key} to {width}x{height} in {resized_bucket}")
    return {"resized": len(event["Records"])}
