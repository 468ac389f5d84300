"""The plan as data: its schema, loading with located errors, and who must report what."""

from papi_etl.plan.loader import LoadedPlan, load
from papi_etl.plan.model import Plan

__all__ = ["LoadedPlan", "Plan", "load"]
