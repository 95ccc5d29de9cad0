"""Container-image functions are refused at create: localaws runs no container engine.

moto accepts ``PackageType: Image`` and stores the image URI; the function could then never
run here (localaws starts each environment as a plain process, from a .zip package). AWS would
pull the image and run it. CreateFunction answers ``InvalidParameterValueException`` saying
so and what to use instead, before anything is stored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from moto.awslambda.exceptions import InvalidParameterValueException
from moto.awslambda.models import LambdaBackend

MESSAGE = (
    "localaws cannot run container images (PackageType Image): it has no container engine. "
    "Deploy the function as a .zip package instead (PackageType Zip) with a Python runtime "
    "such as python3.12, or with provided.al2023 and an executable bootstrap in the zip; "
    "test the image itself on AWS or with the Lambda runtime interface emulator."
)


def refuse_images(spec: dict[str, Any]) -> None:
    """InvalidParameterValueException for a CreateFunction request of an image function."""
    if spec.get("PackageType") == "Image" or (spec.get("Code") or {}).get("ImageUri"):
        raise InvalidParameterValueException(MESSAGE)


def _refusing_images(original: Callable[..., Any]) -> Callable[..., Any]:
    def create_function(self: Any, spec: dict[str, Any]) -> Any:
        refuse_images(spec)
        return original(self, spec)

    create_function.localaws_images = True  # type: ignore[attr-defined]
    return create_function


def install() -> None:
    """Wrap moto's CreateFunction as it is now (once): other fixes wrap it too."""
    if not getattr(LambdaBackend.create_function, "localaws_images", False):
        LambdaBackend.create_function = _refusing_images(LambdaBackend.create_function)  # type: ignore[method-assign]
