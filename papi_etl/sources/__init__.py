"""Sources of submissions, each behind `papi_etl.sources.base.Source`."""
