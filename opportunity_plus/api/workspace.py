"""Numbers of the "Opportunity Plus" workspace: number cards and the forecast chart.

They reuse the permission-aware, database-aggregated queries of the Opportunity Analysis
(``opportunity_plus.queries.analysis``), so the workspace and the report always agree: only the
opportunities the user may read count, amounts are in the company currency of one company (the one
in the filters, else the user's default company).
"""

import frappe
from frappe import _
from frappe.query_builder import DocType
from frappe.query_builder.functions import Sum
from frappe.utils import get_first_day, getdate, nowdate

from opportunity_plus.arguments import json_arg
from opportunity_plus.queries import analysis
from opportunity_plus.rules.analysis import forecast_months, is_open, month_bounds

FORECAST_MONTHS = 12


@frappe.whitelist()
@frappe.read_only()
def open_pipeline_value(filters: str | dict | None = None) -> dict:
	"""Total amount of the open opportunities (neither won, lost nor closed)."""
	f = card_filters(filters)
	total = sum(float(row[3] or 0) for row in analysis.status_rows(f, grouped=False) if is_open(row[1]))
	return card(total, f, {"status": ["not in", ["Converted", "Lost", "Closed"]]})


@frappe.whitelist()
@frappe.read_only()
def weighted_forecast(filters: str | dict | None = None) -> dict:
	"""Amount times probability, summed over the open opportunities."""
	f = card_filters(filters)
	total = sum(float(row[4] or 0) for row in analysis.status_rows(f, grouped=False) if is_open(row[1]))
	return card(total, f, {"status": ["not in", ["Converted", "Lost", "Closed"]]})


@frappe.whitelist()
@frappe.read_only()
def won_this_month(filters: str | dict | None = None) -> dict:
	"""Total amount of the opportunities won (converted) since the first day of this month."""
	f = card_filters(filters)
	start = get_first_day(nowdate())
	readable_ones = analysis.readable(f, with_dates=False)
	total = 0.0
	if readable_ones is not None:
		opp = DocType("Opportunity")
		rows = (
			frappe.qb.from_(opp)
			.select(Sum(analysis.amount_of(opp)))
			.where(readable_ones)
			.where(opp.status == "Converted")
			.where(opp.stage_entered_on >= start)
			.run()
		)
		total = float(rows[0][0] or 0) if rows else 0.0
	return card(total, f, {"status": ["=", "Converted"], "stage_entered_on": [">=", str(start)]})


def forecast_by_month(filters: str | dict | None = None, months: int = FORECAST_MONTHS) -> dict:
	"""Open opportunities by expected-closing month: weighted amount and amount (a bar chart).

	The first bar, "Overdue", holds open opportunities whose expected closing has passed."""
	f = card_filters(filters)
	keys = forecast_months(getdate(nowdate()), months)
	first = month_bounds(keys[0])[0].strftime("%Y-%m")
	amount = dict.fromkeys(["overdue", *keys], 0.0)
	weighted = dict.fromkeys(["overdue", *keys], 0.0)
	for month, _pipeline, _owner, _count, month_amount, month_weighted, *_predicted in analysis.forecast_rows(
		f, keys
	):
		key = "overdue" if month < first else month
		amount[key] += float(month_amount or 0)
		weighted[key] += float(month_weighted or 0)
	return {
		"labels": [_("Overdue")] + [month_label(key) for key in keys],
		"datasets": [
			{"name": _("Weighted Amount"), "values": [round(value, 2) for value in weighted.values()]},
			{"name": _("Amount"), "values": [round(value, 2) for value in amount.values()]},
		],
		"type": "bar",
		"fieldtype": "Currency",
		"options": analysis.company_currency(f.company),
	}


# ------------------------------------------------------------------ helpers


def card_filters(filters) -> "analysis.AnalysisFilters":
	"""The card's filters (company, sales pipeline) as the analysis' filters, without a date range."""
	filters = json_arg(filters, dict | list, _("Filters")) or {}
	if isinstance(filters, list):  # [[doctype, field, "=", value], ...]
		filters = {f[1]: f[3] for f in filters if isinstance(f, list | tuple) and len(f) >= 4 and f[2] == "="}
	return analysis.parse_filters(
		{
			"company": filters.get("company"),
			"pipeline": filters.get("sales_pipeline") or filters.get("pipeline"),
		},
		require_dates=False,
	)


def card(value: float, f, route_filters: dict) -> dict:
	"""The value, how to show it and where clicking the card leads (the list, filtered alike)."""
	route_options = {"company": f.company, **route_filters}
	if f.pipeline:
		route_options["sales_pipeline"] = f.pipeline
	return {
		"value": round(value, 2),
		"fieldtype": "Currency",
		"options": "Company:company:default_currency",
		"route": ["List", "Opportunity"],
		"route_options": route_options,
	}


def month_label(key: str) -> str:
	"""'2026-03' -> 'Mar 2026', month names translated."""
	year, month = key.split("-")
	names = (
		_("Jan"), _("Feb"), _("Mar"), _("Apr"), _("May"), _("Jun"),
		_("Jul"), _("Aug"), _("Sep"), _("Oct"), _("Nov"), _("Dec"),
	)  # fmt: skip
	return f"{names[int(month) - 1]} {year}"
