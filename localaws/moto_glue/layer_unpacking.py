"""A layer is unpacked as soon as it is published, not when a function that uses it is made.

A function created with a layer is Pending until its code and layers are unpacked
(``function_preparer``), and a waiter for Active waits that long: about 0.15 s for the lab's
8 MB Pillow layer. Unpacking the layer in the background right after ``PublishLayerVersion``
leaves the function's preparation little to do by the time it is created.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from moto.awslambda.models import LambdaBackend

Submit = Callable[[bytes], None]
_submit: Submit | None = None


def _publish_layer_version(original: Callable[..., Any]) -> Callable[..., Any]:
    def publish_layer_version(self: Any, spec: dict[str, Any]) -> Any:
        layer = original(self, spec)
        if _submit is not None:
            _submit(bytes(layer.code_bytes))
        return layer

    publish_layer_version.localaws_unpacks = True  # type: ignore[attr-defined]
    return publish_layer_version


def install(submit: Submit) -> None:
    """Patch moto (once) to hand each layer published to ``submit`` (the latest given)."""
    global _submit
    _submit = submit
    if not getattr(LambdaBackend.publish_layer_version, "localaws_unpacks", False):
        LambdaBackend.publish_layer_version = _publish_layer_version(  # type: ignore[method-assign]
            LambdaBackend.publish_layer_version
        )
