"""Delivery of consolidated reports, each sink behind `papi_etl.delivery.base.Sink`."""
