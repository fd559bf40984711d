"""Chart source "Opportunity Forecast": weighted amount of open opportunities by expected-closing month.

Not cached (Frappe's ``cache_source`` keeps one result per chart for all users, and this one is
permission-aware); the database does the summing, so it is cheap to compute.
"""

import frappe

from opportunity_plus.api.workspace import forecast_by_month


@frappe.whitelist()
@frappe.read_only()
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
		filters = saved_filters(chart_name)
	return forecast_by_month(filters)


def saved_filters(chart_name) -> str | None:
	"""The filters saved on a Dashboard Chart of this source that the user may read; none otherwise."""
	if not isinstance(chart_name, str) or not frappe.db.exists("Dashboard Chart", chart_name):
		return None
	if not frappe.has_permission("Dashboard Chart", "read", chart_name):
		return None
	chart = frappe.db.get_value("Dashboard Chart", chart_name, ["source", "filters_json"], as_dict=True)
	return chart.filters_json if chart.source == "Opportunity Forecast" else None
