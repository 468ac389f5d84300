"""demo: every period of the plan on synthetic submissions, through the real flows."""

from __future__ import annotations

from prefect import flow

from flows.collect import collect
from flows.run_period import run_period
from flows.validate import validate
from papi_etl import calendar
from papi_etl.settings import DEFAULT_PLAN, Settings
from tasks import demo as demo_tasks
from tasks.workspace import open_store


@flow(name="demo", flow_run_name="demo (dữ liệu mô phỏng)")
def demo(plan: str = str(DEFAULT_PLAN), seed: int = 461) -> list[dict[str, object]]:
    """Take in the synthetic reports of every period and validate them; let the units
    resubmit or the steward accept exceptions, as people would; then `run_period` for
    each period, which takes in the corrected versions, validates, consolidates, publishes."""
    settings = Settings()
    workspace = open_store(settings, plan)
    inbox = workspace.inbox()
    periods = calendar.periods(workspace.plan)
    collected = collect(plan, periods[0].code, answer=False)
    first: dict[str, object] = {}
    for period in periods:
        first[period.code] = {
            # The first look needs no Data Docs: run_period builds them for the final state.
            "validation": validate(plan, period.code, data_docs=False),
            "corrections": demo_tasks.corrections(workspace, period.code, inbox, seed),
        }
    results = []
    for period in periods:
        ran = run_period(plan, period.code)
        fixed = first[period.code]["corrections"]
        results.append(
            {
                "period": period.code,
                "label_vi": period.label_vi,
                "first_validation": first[period.code]["validation"],
                "resubmitted": list(fixed.resubmitted),
                "exceptions_accepted": list(fixed.accepted),
                **ran,
            }
        )
    results[0]["first_collect"] = collected
    return results
