"""ListMetrics lists each metric once, as CloudWatch does.

moto tells whether two data points belong to the same metric by comparing every dimension of
one with every dimension of the other, which holds only for metrics with a single dimension:
a metric with two (Powertools' ``service`` plus one of the function's own, say) was listed
once per data point. Here two dimension lists match when they hold the same name-value pairs.
"""

from __future__ import annotations

from typing import Any

import moto.cloudwatch.models as cloudwatch_models


def are_dimensions_same(metric_dimensions: list[Any], dimensions: list[Any]) -> bool:
    def pairs(items: list[Any]) -> set[tuple[Any, Any]]:
        return {(item.name, item.value) for item in items}

    return len(metric_dimensions) == len(dimensions) and pairs(metric_dimensions) == pairs(
        dimensions
    )


def install() -> None:
    cloudwatch_models.are_dimensions_same = are_dimensions_same
