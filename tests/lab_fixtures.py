"""Small AWS resources used by several tests."""

from __future__ import annotations

import io
import json
import zipfile

TRUST_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)

HANDLER_SOURCE = "def lambda_handler(event, context):\n    return {'ok': True}\n"


def zip_bytes(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def handler_zip() -> bytes:
    return zip_bytes({"lambda_function.py": HANDLER_SOURCE})
