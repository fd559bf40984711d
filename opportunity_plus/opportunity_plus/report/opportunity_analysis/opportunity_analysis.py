# Copyright (c) 2026, Opportunity Plus Contributors
# For license information, please see license.txt
"""Opportunity Analysis: opportunities, conversion, amounts, time to close and time in stage,
grouped by stage (with the funnel), owner, pipeline, month, source, territory, lost reason, or
a forecast by expected-closing month."""

import frappe
from frappe import _, _lt
from frappe.utils import get_fullname, getdate, nowdate
from frappe.utils.formatters import format_value

from opportunity_plus.queries import analysis as analysis_queries
from opportunity_plus.rules.analysis import (
	FORECAST,
	LOST_REASON,
	LOST_STATUSES,
	MONTH,
	OWNER,
	PIPELINE,
	SOURCE,
	STAGE,
	TERRITORY,
	Figures,
	describe_competitors,
	fold_status_rows,
	forecast,
	forecast_months,
	funnel,
	months_between,
	order_stages,
	rate,
	reached_per_stage,
	total_of,
)

GROUP_LABELS = {
	STAGE: _lt("Sales Stage"),
	OWNER: _lt("Opportunity Owner"),
	PIPELINE: _lt("Sales Pipeline"),
	MONTH: _lt("Month"),
	SOURCE: _lt("Source"),
	TERRITORY: _lt("Territory"),
	LOST_REASON: _lt("Lost Reason"),
	FORECAST: _lt("Expected Closing Month"),
}
CHART_LIMIT = 20  # groups shown in the chart of the owner, pipeline, source and territory groupings
COLORS = {"open": "#2490EF", "won": "#28A745", "lost": "#E24C4C", "reached": "#7C8A9A", "weighted": "#ECAD4B"}


def execute(filters=None):
	return OpportunityAnalysis(filters).run()


class OpportunityAnalysis:
	def __init__(self, filters=None):
		self.filters = analysis_queries.parse_filters(filters)
		self.currency = analysis_queries.company_currency(self.filters.company)

	def run(self):
		group_by = self.filters.group_by
		if group_by == FORECAST:
			return self.run_forecast()
		if group_by == LOST_REASON:
			return self.run_lost_reasons()
		return self.run_figures()

	# ------------------------------------------------------------ figures per group

	def run_figures(self):
		f = self.filters
		by_stage = f.group_by == STAGE
		# time in stage: per stage left from the stage history, per other group from the totals
		# each opportunity keeps of its own stays (read in the same pass as the other figures)
		groups = fold_status_rows(analysis_queries.status_rows(f, with_stays=not by_stage))
		stays = analysis_queries.stage_stays(f) if by_stage else {}
		for key, (seconds, count, _moved_on, _came_back) in stays.items():
			groups.setdefault(key, Figures()).add_stays(seconds, count)
		total = total_of(groups.values())

		funnel_steps = {}
		if by_stage:
			keys = order_stages(analysis_queries.pipeline_stage_lists(f.pipeline), groups.keys())
			moved_on = {key: moved for key, (_seconds, _count, moved, _back) in stays.items()}
			came_back = {key: back for key, (_seconds, _count, _moved, back) in stays.items()}
			current = {key: g.opportunities for key, g in groups.items()}
			reached = reached_per_stage(current, moved_on, came_back)
			stays = {key: (g.stay_seconds_total, g.stays) for key, g in groups.items()}
			funnel_steps = {
				step.stage: step for step in funnel([k for k in keys if k], reached, moved_on, stays)
			}
			if not f.pipeline:  # all pipelines: only the stages opportunities are or were in
				keys = [k for k in keys if k in groups or (k in funnel_steps and funnel_steps[k].reached)]
		elif f.group_by == MONTH:
			keys = months_between(f.from_date, f.to_date)
		else:
			keys = sorted(groups, key=lambda k: (-groups[k].opportunities, k is None, str(k or "")))

		data = []
		for key in keys:
			figures = groups.get(key) or Figures()
			row = {"group": self.label(key), "key": key, "currency": self.currency, **figures.as_row()}
			if f.group_by == STAGE:
				step = funnel_steps.get(key)
				row.update(
					reached=step.reached if step else figures.opportunities,
					moved_on=step.moved_on if step else 0,
					moved_on_rate=step.moved_on_rate if step else None,
				)
			data.append(row)
		total_row = {
			"group": _("Total"),
			"key": None,
			"is_total": 1,
			"currency": self.currency,
			**total.as_row(),
		}
		if f.group_by == STAGE:  # the funnel has no total
			total_row.update(reached=None, moved_on=None, moved_on_rate=None)
		data.append(total_row)
		return self.figure_columns(), data, None, self.figures_chart(data[:-1]), self.summary(total)

	def label(self, key) -> str:
		group_by = self.filters.group_by
		if group_by == MONTH:
			return key
		if not key:
			return _("Not Assigned") if group_by == OWNER else _("Not Set")
		if group_by == OWNER:
			return get_fullname(key)
		if group_by == STAGE:
			return _(key)
		return key

	def figure_columns(self) -> list[dict]:
		columns = [self.group_column()]
		if self.filters.group_by == STAGE:
			columns += [
				int_column(
					"reached", _("Reached"), _("Opportunities that were in this stage at some point.")
				),
				int_column(
					"moved_on", _("Moved On"), _("Opportunities that left this stage for another one.")
				),
				percent_column("moved_on_rate", _("Moved On Rate"), _("Moved on ÷ reached.")),
			]
		now_in = _("Opportunities now in this stage.") if self.filters.group_by == STAGE else ""
		columns += [
			int_column("opportunities", _("Opportunities"), now_in),
			int_column("open", _("Open"), _("Neither won, lost nor closed.")),
			int_column("won", _("Won"), _("Status Converted.")),
			int_column("lost", _("Lost"), _("Status Lost.")),
			percent_column("conversion_rate", _("Conversion Rate"), _("Won ÷ (won + lost).")),
			percent_column("win_rate", _("Win Rate"), _("Won ÷ all opportunities.")),
			currency_column("total_amount", _("Total Amount"), _("Opportunity amount in company currency.")),
			currency_column("weighted_amount", _("Weighted Amount"), _("Amount × probability ÷ 100.")),  # noqa: RUF001
			float_column(
				"avg_days_to_close",
				_("Avg. Days to Close"),
				_(
					"Won and lost opportunities: days from the opportunity date (or its creation) to the day it entered its Won or Lost stage, from stage history (its last change when it has none)."
				),
			),
			float_column(
				"avg_days_in_stage",
				_("Avg. Days in Stage"),
				_("Average length of a completed stay in a stage, from stage history."),
			),
		]
		return columns

	def group_column(self) -> dict:
		return {
			"fieldname": "group",
			"label": str(GROUP_LABELS[self.filters.group_by]),
			"fieldtype": "Data",
			"width": 220,
		}

	def figures_chart(self, rows: list[dict]) -> dict | None:
		if not rows:
			return None
		group_by = self.filters.group_by
		if group_by == STAGE:
			datasets = [
				{"name": _("Reached"), "values": [row["reached"] for row in rows]},
				{"name": _("Now in Stage"), "values": [row["opportunities"] for row in rows]},
			]
			colors = [COLORS["reached"], COLORS["open"]]
			stacked = False
		else:
			if group_by != MONTH:
				rows = [row for row in rows if row["opportunities"]][:CHART_LIMIT]
			datasets = [
				{"name": _("Open"), "values": [row["open"] for row in rows]},
				{"name": _("Won"), "values": [row["won"] for row in rows]},
				{"name": _("Lost"), "values": [row["lost"] for row in rows]},
			]
			colors = [COLORS["open"], COLORS["won"], COLORS["lost"]]
			stacked = True
		return {
			"data": {"labels": [row["group"] for row in rows], "datasets": datasets},
			"type": "bar",
			"colors": colors,
			"barOptions": {"stacked": 1 if stacked else 0, "spaceRatio": 0.4},
			"fieldtype": "Int",
		}

	def summary(self, total: Figures) -> list[dict]:
		return [
			{
				"value": total.opportunities,
				"label": _("Opportunities"),
				"datatype": "Int",
				"indicator": "Blue",
			},
			{
				"value": format_value(
					total.win_rate_of_closed or 0, {"fieldtype": "Percent", "precision": 1}
				),
				"label": _("Conversion Rate"),
				"datatype": "Data",
				"indicator": "Green",
			},
			self.money(total.open_amount, _("Pipeline Value"), "Blue"),
			self.money(total.open_weighted, _("Weighted Forecast"), "Orange"),
			self.money(total.lost_amount, _("Lost Value"), "Red"),
		]

	def money(self, value: float, label: str, indicator: str) -> dict:
		return {
			"value": round(value, 2),
			"label": label,
			"datatype": "Currency",
			"currency": self.currency,
			"indicator": indicator,
		}

	# ------------------------------------------------------------ lost reasons

	def run_lost_reasons(self):
		f = self.filters
		rows, competitors = analysis_queries.lost_reason_rows(f)
		lost = analysis_queries.status_rows(f, grouped=False, statuses=LOST_STATUSES)
		total = total_of(fold_status_rows(lost).values())
		rows = sorted(rows, key=lambda r: (-(r[1] or 0), r[0] is None, r[0] or ""))
		data = []
		for reason, count, amount in rows:
			data.append(
				{
					"group": _(reason) if reason else _("Not Specified"),
					"key": reason,
					"opportunities": count,
					"share_of_lost": rate(count, total.lost),
					"lost_amount": round(float(amount or 0), 2),
					"share_of_lost_value": rate(float(amount or 0), total.lost_amount),
					"competitors": describe_competitors(competitors.get(reason, {})),
					"currency": self.currency,
				}
			)
		data.append(
			{
				"group": _("Total"),
				"key": None,
				"is_total": 1,
				"opportunities": total.lost,
				"share_of_lost": rate(total.lost, total.lost),
				"lost_amount": round(total.lost_amount, 2),
				"share_of_lost_value": rate(total.lost_amount, total.lost_amount),
				"competitors": "",
				"currency": self.currency,
			}
		)
		columns = [
			self.group_column(),
			int_column(
				"opportunities",
				_("Lost Opportunities"),
				_("An opportunity lost for several reasons counts under each of them."),
			),
			percent_column("share_of_lost", _("Share of Lost"), _("Of all lost opportunities.")),
			currency_column("lost_amount", _("Lost Value"), _("Amount of the lost opportunities.")),
			percent_column("share_of_lost_value", _("Share of Lost Value"), _("Of the total lost value.")),
			{
				"fieldname": "competitors",
				"label": _("Competitors Who Won"),
				"fieldtype": "Data",
				"width": 320,
				"description": _("Competitors recorded on the lost opportunities, with how many each won."),
			},
		]
		chart = None
		if rows:
			chart = {
				"data": {
					"labels": [row["group"] for row in data[:-1]],
					"datasets": [
						{
							"name": _("Lost Opportunities"),
							"values": [row["opportunities"] for row in data[:-1]],
						}
					],
				},
				"type": "bar",
				"colors": [COLORS["lost"]],
				"fieldtype": "Int",
			}
		summary = self.summary(total)
		return columns, data, None, chart, summary

	# ------------------------------------------------------------ forecast

	def run_forecast(self):
		f = self.filters
		months = forecast_months(getdate(nowdate()), f.months)
		overdue, entries = forecast(months, analysis_queries.forecast_rows(f, months))
		data = []
		total = Figures()
		for entry in [overdue, *entries]:
			if entry is overdue and not entry.figures.opportunities:
				continue
			total.merge(entry.figures)
			label = _("Overdue") if entry is overdue else entry.month
			data.append(
				{"group": label, "key": entry.month, "indent": 0, **self.forecast_figures(entry.figures)}
			)
			parts = sorted(entry.parts.items(), key=lambda item: (-item[1].weighted, str(item[0])))
			for (pipeline, owner), figures in parts:
				data.append(
					{
						"group": " · ".join(
							[pipeline or _("Not Set"), get_fullname(owner) if owner else _("Not Assigned")]
						),
						"key": entry.month,
						"indent": 1,
						"sales_pipeline": pipeline,
						"opportunity_owner": owner,
						**self.forecast_figures(figures),
					}
				)
		data.append(
			{"group": _("Total"), "key": None, "indent": 0, "is_total": 1, **self.forecast_figures(total)}
		)
		columns = [
			self.group_column(),
			{
				"fieldname": "sales_pipeline",
				"label": _("Sales Pipeline"),
				"fieldtype": "Link",
				"options": "Sales Pipeline",
				"width": 150,
			},
			{
				"fieldname": "opportunity_owner",
				"label": _("Opportunity Owner"),
				"fieldtype": "Link",
				"options": "User",
				"width": 180,
			},
			int_column(
				"opportunities", _("Open Opportunities"), _("Open opportunities expected to close then.")
			),
			currency_column("total_amount", _("Total Amount"), _("Opportunity amount in company currency.")),
			currency_column("weighted_amount", _("Weighted Amount"), _("Amount × probability ÷ 100.")),  # noqa: RUF001
		]
		if self.predicted_shown:
			columns.append(
				currency_column(
					"predicted_weighted_amount",
					_("Weighted (Predicted)"),
					_("Amount × predicted win probability ÷ 100."),  # noqa: RUF001
				)
			)
		month_rows = [row for row in data if row["indent"] == 0 and not row.get("is_total")]
		chart = {
			"data": {
				"labels": [row["group"] for row in month_rows],
				"datasets": [
					{"name": _("Weighted Amount"), "values": [row["weighted_amount"] for row in month_rows]},
					{"name": _("Total Amount"), "values": [row["total_amount"] for row in month_rows]},
				],
			},
			"type": "bar",
			"colors": [COLORS["weighted"], COLORS["open"]],
			"fieldtype": "Currency",
			"options": self.currency,
			"barOptions": {"spaceRatio": 0.4},
		}
		summary = [
			{
				"value": total.opportunities,
				"label": _("Open Opportunities"),
				"datatype": "Int",
				"indicator": "Blue",
			},
			self.money(total.open_amount, _("Pipeline Value"), "Blue"),
			self.money(total.open_weighted, _("Weighted Forecast"), "Orange"),
		]
		if self.predicted_shown:
			summary.append(self.money(total.predicted_weighted, _("Weighted Forecast (Predicted)"), "Purple"))
		return columns, data, None, chart, summary

	@property
	def predicted_shown(self) -> bool:
		"""The predicted win probability is shown on this site (enough history, better than the
		stage default): the forecast weighted by it stands beside the one weighted by probability."""
		from opportunity_plus.win_prediction.model import is_shown

		return is_shown()

	def forecast_figures(self, figures: Figures) -> dict:
		return {
			"opportunities": figures.opportunities,
			"total_amount": round(figures.amount, 2),
			"weighted_amount": round(figures.weighted, 2),
			"predicted_weighted_amount": round(figures.predicted_weighted, 2),
			"currency": self.currency,
		}


def int_column(fieldname: str, label: str, description: str = "") -> dict:
	return {
		"fieldname": fieldname,
		"label": label,
		"fieldtype": "Int",
		"width": 110,
		"description": description,
	}


def percent_column(fieldname: str, label: str, description: str = "") -> dict:
	return {
		"fieldname": fieldname,
		"label": label,
		"fieldtype": "Percent",
		"precision": 2,
		"width": 120,
		"description": description,
	}


def currency_column(fieldname: str, label: str, description: str = "") -> dict:
	return {
		"fieldname": fieldname,
		"label": label,
		"fieldtype": "Currency",
		"options": "currency",
		"width": 150,
		"description": description,
	}


def float_column(fieldname: str, label: str, description: str = "") -> dict:
	return {
		"fieldname": fieldname,
		"label": label,
		"fieldtype": "Float",
		"precision": 1,
		"width": 130,
		"description": description,
	}
