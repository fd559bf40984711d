"""The Opportunity Analysis's sums from day summaries (see the package's docstring for when).

Each function returns the same rows as its exact twin in ``queries/analysis.py`` for the days that are
not marked out of date; the caller adds the exact rows of the marked days and merges them.
"""

from dataclasses import dataclass
from datetime import date

import frappe
from frappe.query_builder import DocType
from frappe.query_builder.functions import Extract, Sum
from pypika.enums import DatePart

from opportunity_plus.day_summaries import (
	CLOSING_MONTH,
	COMPETITOR,
	FORECAST,
	LOST_REASON,
	OPPORTUNITY_DATE,
	OWNER,
	REFRESH,
	SOURCE,
	STAGE,
	STAY,
	SUMMARY,
	TERRITORY,
)
from opportunity_plus.queries.read_permission import readable_condition
from opportunity_plus.rules import analysis as groupings
from opportunity_plus.rules.analysis import LOST_STATUSES, month_bounds

# more marked days than this (a bulk change the job has not counted yet): the exact query instead
MOST_MARKED_DAYS = 62

# the rows a grouping of the report reads (by pipeline, by month and ungrouped: the stage rows)
DIMENSION_OF_GROUPING = {groupings.OWNER: OWNER, groupings.SOURCE: SOURCE, groupings.TERRITORY: TERRITORY}


@dataclass
class Plan:
	"""The summaries answer, except for ``marked`` days (or expected closing months), which the
	caller counts from the opportunities."""

	marked: list[date]


def reads_everything(f) -> bool:
	"""Frappe lets the user read every opportunity, and the filters are ones the rows carry."""
	if any((f.owner, f.opportunity_type, f.source, f.territory, f.label)):
		return False
	try:
		return readable_condition() is None
	except frappe.PermissionError:
		frappe.clear_last_message()
		return False


def date_plan(f) -> Plan | None:
	"""For the figures of a period of opportunity dates; None: the exact query."""
	if f.date_field != "transaction_date" or not (f.from_date and f.to_date) or not reads_everything(f):
		return None
	marked = marked_days(f.company, OPPORTUNITY_DATE, f.from_date, f.to_date)
	return None if marked is None else Plan(marked)


def closing_plan(f, months: list[str]) -> Plan | None:
	"""For the forecast up to the last of ``months``; None: the exact query."""
	if not months or not reads_everything(f):
		return None
	marked = marked_days(f.company, CLOSING_MONTH, None, month_bounds(months[-1])[0])
	return None if marked is None else Plan(marked)


def marked_days(company: str, kind: str, start: date | None, end: date) -> list[date] | None:
	refresh = DocType(REFRESH)
	query = (
		frappe.qb.from_(refresh)
		.select(refresh.day)
		.distinct()
		.where(refresh.company == company)
		.where(refresh.kind == kind)
		.where(refresh.day <= end)
		.limit(MOST_MARKED_DAYS + 1)
	)
	if start:
		query = query.where(refresh.day >= start)
	days = query.run(pluck=True)
	return None if len(days) > MOST_MARKED_DAYS else sorted(days)


def rows_of(f, plan: Plan, dimension: str):
	summary = DocType(SUMMARY)
	query = (
		frappe.qb.from_(summary)
		.where(summary.company == f.company)
		.where(summary.dimension == dimension)
		.where(summary.day[f.from_date : f.to_date])
	)
	return narrowed(query, summary, f, plan), summary


def narrowed(query, summary, f, plan: Plan):
	if plan.marked:
		query = query.where(summary.day.notin(plan.marked))
	if f.pipeline:
		query = query.where(summary.sales_pipeline == f.pipeline)
	if f.status:
		query = query.where(summary.status == f.status)
	return query


def status_rows(f, plan: Plan, grouped: bool, with_stays: bool, statuses) -> list[tuple]:
	"""As ``queries.analysis.status_rows``, keys undecoded (a month as year * 100 + month)."""
	group_by = f.group_by if grouped else None
	dimension = DIMENSION_OF_GROUPING.get(group_by, STAGE)
	query, summary = rows_of(f, plan, dimension)
	key = None
	if group_by in (groupings.STAGE, groupings.OWNER, groupings.SOURCE, groupings.TERRITORY):
		key = summary.value
	elif group_by == groupings.PIPELINE:
		key = summary.sales_pipeline
	elif group_by == groupings.MONTH:
		key = Extract(DatePart.year, summary.day) * 100 + Extract(DatePart.month, summary.day)
	if statuses:
		query = query.where(summary.status.isin(sorted(statuses)))
	selected = [
		summary.status,
		Sum(summary.opportunities),
		Sum(summary.amount),
		Sum(summary.weighted),
		Sum(summary.days_to_close),
	]
	if with_stays:
		selected += [Sum(summary.stay_seconds), Sum(summary.stays)]
	if key is None:
		return [(None, *row) for row in query.select(*selected).groupby(summary.status).run()]
	return [tuple(row) for row in query.select(key, *selected).groupby(key, summary.status).run()]


def stay_rows(f, plan: Plan) -> list[tuple]:
	"""As ``queries.analysis.stay_rows``: (stage key, seconds, stays, moved on, came back)."""
	query, summary = rows_of(f, plan, STAY)
	if f.pipeline:
		query = query.where(summary.detail == f.pipeline)
		moved_on, came_back = Sum(summary.opportunities), Sum(summary.came_back)
	else:
		moved_on, came_back = Sum(summary.first_leaves), Sum(summary.first_leaves_back)
	rows = (
		query.select(summary.value, Sum(summary.stay_seconds), Sum(summary.stays), moved_on, came_back)
		.groupby(summary.value)
		.run()
	)
	return [(int(key), *rest) for key, *rest in rows if key is not None]


def lost_reason_rows(f, plan: Plan) -> tuple[list[tuple], list[tuple]]:
	"""As ``queries.analysis.lost_reason_rows`` before it folds the competitors: (reason, lost, lost
	value) and (reason, competitor, lost)."""
	query, summary = rows_of(f, plan, LOST_REASON)
	query = query.where(summary.status.isin(sorted(LOST_STATUSES)))
	reasons = (
		query.select(summary.value, Sum(summary.opportunities), Sum(summary.amount))
		.groupby(summary.value)
		.run()
	)
	query, summary = rows_of(f, plan, COMPETITOR)
	query = query.where(summary.status.isin(sorted(LOST_STATUSES)))
	competitors = (
		query.select(summary.value, summary.detail, Sum(summary.opportunities))
		.groupby(summary.value, summary.detail)
		.run()
	)
	return [tuple(row) for row in reasons], [tuple(row) for row in competitors]


def forecast_rows(f, plan: Plan, months: list[str]) -> list[tuple]:
	"""As ``queries.analysis.forecast_rows``, the month undecoded: (month, pipeline, owner, count,
	amount, weighted, predicted weighted) of the open opportunities expected to close by the end of
	the last of ``months``."""
	summary = DocType(SUMMARY)
	query = (
		frappe.qb.from_(summary)
		.where(summary.company == f.company)
		.where(summary.dimension == FORECAST)
		.where(summary.day <= month_bounds(months[-1])[0])
	)
	query = narrowed(query, summary, f, plan)
	month = Extract(DatePart.year, summary.day) * 100 + Extract(DatePart.month, summary.day)
	rows = (
		query.select(
			month,
			summary.sales_pipeline,
			summary.value,
			Sum(summary.opportunities),
			Sum(summary.amount),
			Sum(summary.weighted),
			Sum(summary.predicted_weighted),
		)
		.groupby(month, summary.sales_pipeline, summary.value)
		.run()
	)
	return [tuple(row) for row in rows]
