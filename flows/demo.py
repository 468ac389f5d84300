"""demo: every period of the plan on synthetic submissions, through the real flows."""

from __future__ import annotations

from pathlib import Path

from prefect import flow

from flows.collect import collect
from flows.consolidate import consolidate
from flows.publish import publish
from flows.validate import validate
from papi_etl import calendar
from papi_etl.settings import DEFAULT_PLAN, Settings
from tasks import demo as demo_tasks
from tasks.workspace import open_store


@flow(name="demo", flow_run_name="demo (dữ liệu mô phỏng)")
def demo(plan: str = str(DEFAULT_PLAN), seed: int = 461) -> list[dict[str, object]]:
    """For each period: collect and validate the synthetic reports, let the units resubmit
    or the steward accept exceptions, collect and validate again, consolidate, publish."""
    settings = Settings()
    workspace = open_store(settings, plan)
    inbox = Path(settings.data_dir) / "inbox"
    results = []
    for period in calendar.periods(workspace.plan):
        first = collect(plan, period.code)
        checked = validate(plan, period.code)
        fixed = demo_tasks.corrections(workspace, period.code, inbox, seed)
        collect(plan, period.code)
        rechecked = validate(plan, period.code)
        consolidated = consolidate(plan, period.code)
        published = publish(plan, period.code)
        results.append(
            {
                "period": period.code,
                "label_vi": period.label_vi,
                "collected": first,
                "first_validation": checked,
                "resubmitted": list(fixed.resubmitted),
                "exceptions_accepted": list(fixed.accepted),
                "validation": rechecked,
                "consolidated": consolidated,
                "published": published,
            }
        )
    return results
