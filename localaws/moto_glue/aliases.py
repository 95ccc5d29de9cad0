"""Aliases answered as AWS answers them.

moto answers ``GetAlias`` and ``UpdateAlias`` with 201 (AWS: 200), keeps an alias's
``RevisionId`` when it is updated (AWS gives it a new one at every update), and sends
``RoutingConfig`` with no weights in it (AWS leaves the key out).
"""

from __future__ import annotations

import uuid
from typing import Any

from moto.awslambda.models import LambdaAlias
from moto.awslambda.responses import LambdaResponse


def install() -> None:
    original_update = LambdaAlias.update
    original_json = LambdaAlias.to_json

    def update(self: Any, *args: Any, **kwargs: Any) -> None:
        original_update(self, *args, **kwargs)
        self.revision_id = str(uuid.uuid4())

    def to_json(self: Any) -> dict[str, Any]:
        answer = dict(original_json(self))
        routing = answer.get("RoutingConfig") or {}
        if not routing.get("AdditionalVersionWeights"):
            answer.pop("RoutingConfig", None)
        return answer

    def answered_200(original: Any) -> Any:
        def answer(self: Any) -> Any:
            _, headers, body = original(self)
            return 200, {**headers, "status": 200}, body

        return answer

    LambdaAlias.update = update  # type: ignore[method-assign]
    LambdaAlias.to_json = to_json  # type: ignore[method-assign]
    LambdaResponse.get_alias = answered_200(LambdaResponse.get_alias)  # type: ignore[method-assign]
    LambdaResponse.update_alias = answered_200(  # type: ignore[method-assign]
        LambdaResponse.update_alias
    )
