from __future__ import annotations

from localaws.moto_glue.eventbridge_lambda import delivered_event


def test_a_lambda_target_gets_iso_time_and_no_ingestion_time() -> None:
    moto_event = {
        "version": "0",
        "id": "e6521d14",
        "detail-type": "OrderPlaced",
        "source": "shop.orders",
        "time": 1795746143.703281,
        "detail": {"order": 2},
        "ingestion-time": 1795746143.703304,
    }
    event = delivered_event(moto_event)
    assert event["time"] == "2026-11-27T02:22:23Z"
    assert "ingestion-time" not in event
    assert event["detail"] == {"order": 2} and "ingestion-time" in moto_event


def test_an_event_already_in_iso_time_is_unchanged() -> None:
    scheduled = {"detail-type": "Scheduled Event", "time": "2026-11-27T02:22:00Z", "detail": {}}
    assert delivered_event(scheduled) == scheduled
