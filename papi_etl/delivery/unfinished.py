"""What an interactive run says about a delivery it could not finish, and how it gets done.

`papi-etl run` and the demo do not wait for a receiver that is down (the scheduled publish
does, unattended): they leave the delivery pending in the ledger and tell the person at the
terminal where it stands and what will send it, `papi-etl push` or the period's scheduled
publish, so that nobody believes the city has the report, nor waits an hour to learn it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from papi_etl import calendar, schedule
from papi_etl.plan.model import Plan
from papi_etl.store.schema import DeliveryState


def next_scheduled_publish(plan: Plan, period: str, now: dt.datetime) -> dt.datetime | None:
    """The period's scheduled publish still to come (it runs under `papi-etl serve`)."""
    job = next(j for j in schedule.jobs(plan) if j.flow == "publish")
    runs = schedule.runs_for_period(plan, job, calendar.period(plan, period))
    upcoming = [t for t in runs if t > now]
    return upcoming[0] if upcoming else None


def notice(
    plan: Plan, period: str, deliveries: Sequence[Mapping[str, object]], now: dt.datetime
) -> str | None:
    """Vietnamese then English lines on the deliveries of `period` that are not delivered,
    or None when every one is. Each delivery is {"version", "target", "state", "message"}
    as the publish flow returns it."""
    pending = [d for d in deliveries if d["state"] == DeliveryState.PENDING.value]
    refused = [d for d in deliveries if d["state"] == DeliveryState.FAILED.value]
    if not pending and not refused:
        return None
    lines = []
    if pending:
        targets = ", ".join(sorted({str(d["target"]) for d in pending}))
        versions = ", ".join(f"v{d['version']}" for d in pending)
        later = next_scheduled_publish(plan, period, now)
        when_vi = when_en = ""
        if later is not None:
            when_vi = f", hoặc lần gửi theo lịch lúc {later:%H:%M ngày %d/%m/%Y} (papi-etl serve)"
            when_en = f", or by the scheduled publish at {later:%Y-%m-%d %H:%M} (papi-etl serve)"
        lines += [
            f"Báo cáo kỳ {period} ({versions}) CHƯA GỬI ĐƯỢC tới {targets}: nơi nhận không phản "
            "hồi. Báo cáo đã lập xong và đang chờ gửi; sẽ gửi lại, không trùng lặp, bằng lệnh "
            f"papi-etl push --period {period}{when_vi}.",
            f"Delivery of the {period} report ({versions}) to {targets} is PENDING: the receiver "
            f"did not answer. The report is made and kept pending; it is sent again, never twice, "
            f"by papi-etl push --period {period}{when_en}.",
        ]
    for d in refused:
        lines += [
            f"Báo cáo kỳ {period} v{d['version']} BỊ TỪ CHỐI bởi {d['target']}; sửa cấu hình rồi "
            f"chạy papi-etl push --period {period}.",
            f"The {period} report v{d['version']} was REFUSED by {d['target']}: {d['message']}",
        ]
    return "\n".join(lines)
