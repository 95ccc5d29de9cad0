"""What the CloudFormation resource types localaws adds to moto have in common.

Each resource class still names ``CloudFormationModel`` among its bases itself: moto finds
resource types among that class's direct subclasses only.
"""

from __future__ import annotations

from typing import Any


class StackResource:
    """A resource with no generated name, deleted through its own ``delete`` (moto calls it
    with the physical id it keeps) rather than from the template."""

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @classmethod
    def delete_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> None:
        """Nothing to find without the physical id; ``delete`` does the work."""
