"""Chart source "Opportunity Forecast": weighted amount of open opportunities by expected-closing month.

Not cached (Frappe's ``cache_source`` keeps one result per chart for all users, and this one is
permission-aware); the database does the summing, so it is cheap to compute.
"""

import frappe

from opportunity_plus.api.workspace import forecast_by_month


@frappe.whitelist()
def get(
	chart_name: str | None = None,
	chart: str | dict | None = None,
	no_cache: int | None = None,
	filters: str | dict | None = None,
	from_date: str | None = None,
	to_date: str | None = None,
	timespan: str | None = None,
	time_interval: str | None = None,
	heatmap_year: str | None = None,
	refresh: int | None = None,
) -> dict:
	frappe.has_permission("Opportunity", "read", throw=True)
	if not filters and chart_name:
		filters = frappe.db.get_value("Dashboard Chart", chart_name, "filters_json")
	return forecast_by_month(filters)
