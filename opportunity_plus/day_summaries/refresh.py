"""Recomputing day summaries from the opportunities: the marked days (background job), or all (patch,
demo).

Why the figures stay exact: ``refresh_batch`` reads the marks and then the opportunities of their days
in one transaction, so both come from the same snapshot. A mark it sees belongs to a change committed
before that snapshot, which the recomputed rows therefore include, and only those marks are removed.
A change committed later keeps its own mark, and until a later batch counts it the report reads that
day from the opportunities. Recomputing never locks an opportunity (the snapshot is a plain read), and
one database lock lets a single refresh run at a time per site.
"""

from collections import defaultdict
from datetime import date

import frappe
from frappe.query_builder import DocType
from frappe.query_builder.functions import Coalesce, Count, CustomFunction, Sum
from frappe.utils import getdate, now_datetime
from pypika.terms import Criterion, PseudoColumn, ValueWrapper

from opportunity_plus.day_summaries import (
	CLOSING_DIMENSIONS,
	CLOSING_MONTH,
	COMPETITOR,
	DIMENSIONS_OF_KIND,
	FIGURE_COLUMNS,
	FORECAST,
	KEY_COLUMNS,
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
from opportunity_plus.queries.analysis import amount_of, closes_in, days_to_close_of, weighted_of
from opportunity_plus.rules.analysis import LOST_STATUSES, NOT_OPEN_STATUSES

SUMMARY_SEQUENCE = "opportunity_day_summary_id_seq"  # frappe.scrub(SUMMARY + "_id_seq")
SUMMARY_NAME = PseudoColumn(f"nextval(`{SUMMARY_SEQUENCE}`)")
COLUMNS = KEY_COLUMNS + FIGURE_COLUMNS
MARKS_PER_BATCH = 200
ROWS_PER_INSERT = 500
LOCK = "opportunity_plus_day_summaries"

AddDate = CustomFunction("ADDDATE", ["day", "days"])
DayOfMonth = CustomFunction("DAYOFMONTH", ["day"])
NONE, ZERO = ValueWrapper(None), ValueWrapper(0)


def kind_of_dimension(dimension: str) -> str:
	return CLOSING_MONTH if dimension in CLOSING_DIMENSIONS else OPPORTUNITY_DATE


def closing_month_of(opp):
	"""The first day of the opportunity's expected closing month, in SQL."""
	return AddDate(opp.expected_closing, 1 - DayOfMonth(opp.expected_closing))


def named(*terms) -> list:
	"""The select list of a row, each term named after its column (the rebuild inserts from it)."""
	return [term.as_(column) for term, column in zip(terms, COLUMNS, strict=True)]


def total(term):
	return Coalesce(Sum(term), 0)


# ---------------------------------------------------------------- what the rows hold


def date_queries(where: Criterion | None) -> list:
	"""SELECTs of the rows of opportunity dates, their columns in ``COLUMNS`` order; ``where`` on
	``tabOpportunity`` chooses the opportunities (None: all)."""
	opp = DocType("Opportunity")

	def of_opportunities(query):
		query = query.where(opp.company.isnotnull()).where(opp.transaction_date.isnotnull())
		return query.where(where) if where is not None else query

	def per_field(dimension: str, field):
		return (
			of_opportunities(frappe.qb.from_(opp))
			.select(
				*named(
					opp.company,
					opp.transaction_date,
					ValueWrapper(dimension),
					opp.sales_pipeline,
					opp.status,
					field,
					NONE,
					Count(opp.name),
					total(amount_of(opp)),
					total(weighted_of(opp)),
					ZERO,
					total(days_to_close_of(opp)),
					total(opp.stage_stay_seconds),
					total(opp.stage_stays),
					ZERO,
					ZERO,
					ZERO,
				)
			)
			.groupby(opp.company, opp.transaction_date, opp.sales_pipeline, opp.status, field)
		)

	stay = DocType("Opportunity Stage Stay")
	stays = (
		of_opportunities(frappe.qb.from_(opp).join(stay).on(stay.opportunity_key == opp.opportunity_key))
		.select(
			*named(
				opp.company,
				opp.transaction_date,
				ValueWrapper(STAY),
				opp.sales_pipeline,
				opp.status,
				stay.stage_key,
				stay.sales_pipeline,
				Count(stay.stage_key),
				ZERO,
				ZERO,
				ZERO,
				ZERO,
				total(stay.seconds_in_stage),
				total(stay.stays),
				total(stay.in_stage_now),
				total(stay.first_leave),
				total(stay.first_leave * stay.in_stage_now),
			)
		)
		.groupby(
			opp.company,
			opp.transaction_date,
			opp.sales_pipeline,
			opp.status,
			stay.stage_key,
			stay.sales_pipeline,
		)
	)

	reason, competitor = DocType("Opportunity Lost Reason Detail"), DocType("Competitor Detail")
	lost = (
		of_opportunities(frappe.qb.from_(opp))
		.left_join(reason)
		.on(
			(reason.parent == opp.name)
			& (reason.parenttype == "Opportunity")
			& (reason.parentfield == "lost_reasons")
		)
		.where(opp.status.isin(sorted(LOST_STATUSES)))
	)
	lost_reasons = lost.select(
		*named(
			opp.company,
			opp.transaction_date,
			ValueWrapper(LOST_REASON),
			opp.sales_pipeline,
			opp.status,
			reason.lost_reason,
			NONE,
			Count(opp.name),
			total(amount_of(opp)),
			*[ZERO] * 8,
		)
	).groupby(opp.company, opp.transaction_date, opp.sales_pipeline, opp.status, reason.lost_reason)
	competitors = (
		lost.join(competitor)
		.on(
			(competitor.parent == opp.name)
			& (competitor.parenttype == "Opportunity")
			& (competitor.parentfield == "competitors")
		)
		.select(
			*named(
				opp.company,
				opp.transaction_date,
				ValueWrapper(COMPETITOR),
				opp.sales_pipeline,
				opp.status,
				reason.lost_reason,
				competitor.competitor,
				Count(opp.name),
				*[ZERO] * 9,
			)
		)
		.groupby(
			opp.company,
			opp.transaction_date,
			opp.sales_pipeline,
			opp.status,
			reason.lost_reason,
			competitor.competitor,
		)
	)
	return [
		per_field(STAGE, opp.sales_stage),
		per_field(OWNER, opp.opportunity_owner),
		per_field(SOURCE, opp.source),
		per_field(TERRITORY, opp.territory),
		stays,
		lost_reasons,
		competitors,
	]


def closing_queries(where: Criterion | None) -> list:
	"""The forecast's rows: open opportunities per company, expected closing month (its first day),
	pipeline, status and owner."""
	opp = DocType("Opportunity")
	month = closing_month_of(opp)
	query = (
		frappe.qb.from_(opp)
		.select(
			*named(
				opp.company,
				month,
				ValueWrapper(FORECAST),
				opp.sales_pipeline,
				opp.status,
				opp.opportunity_owner,
				NONE,
				Count(opp.name),
				total(amount_of(opp)),
				total(weighted_of(opp)),
				total(amount_of(opp) * opp.predicted_win_probability / 100),
				*[ZERO] * 6,
			)
		)
		.where(opp.status.notin(sorted(NOT_OPEN_STATUSES)))
		.where(opp.company.isnotnull())
		.where(opp.expected_closing.isnotnull())
		.groupby(opp.company, month, opp.sales_pipeline, opp.status, opp.opportunity_owner)
	)
	return [query.where(where) if where is not None else query]


def queries_of(kind: str, company: str, days: list[date]) -> list:
	opp = DocType("Opportunity")
	if kind == OPPORTUNITY_DATE:
		return date_queries((opp.company == company) & opp.transaction_date.isin(days))
	return closing_queries((opp.company == company) & closes_in(opp, days))


# ---------------------------------------------------------------- marked days


def refresh_marked() -> int:
	"""Background job (after a change, and every four minutes by the scheduler): recompute the
	marked days in batches, each committed; returns how many marks were counted. Does nothing while
	another refresh of this site runs."""
	if not take_lock():
		return 0
	counted = 0
	try:
		while True:
			frappe.db.commit()  # a new transaction: the marks and the opportunities in one snapshot
			done = refresh_batch()
			frappe.db.commit()
			counted += done
			if not done:
				break
	finally:
		release_lock()
	return counted


def refresh_batch(limit: int = MARKS_PER_BATCH) -> int:
	"""Recompute the days of the oldest ``limit`` marks and remove those marks (no commit)."""
	refresh = DocType(REFRESH)
	marks = (
		frappe.qb.from_(refresh)
		.select(refresh.name, refresh.company, refresh.kind, refresh.day)
		.orderby(refresh.name)
		.limit(limit)
		.run()
	)
	if not marks:
		return 0
	days_of: dict = defaultdict(set)
	for _name, company, kind, day in marks:
		if company and kind in DIMENSIONS_OF_KIND and day:
			days_of[(company, kind)].add(getdate(day))
	for (company, kind), days in sorted(days_of.items()):
		recompute(company, kind, sorted(days))
	frappe.qb.from_(refresh).delete().where(refresh.name.isin([mark[0] for mark in marks])).run()
	return len(marks)


def recompute(company: str, kind: str, days: list[date]) -> None:
	summary = DocType(SUMMARY)
	(
		frappe.qb.from_(summary)
		.delete()
		.where(summary.company == company)
		.where(summary.dimension.isin(DIMENSIONS_OF_KIND[kind]))
		.where(summary.day.isin(days))
		.run()
	)
	rows = []
	for query in queries_of(kind, company, days):
		rows += query.run()
	insert_rows(rows)


def insert_rows(rows: list) -> None:
	summary = DocType(SUMMARY)
	now, user = now_datetime(), frappe.session.user
	for start in range(0, len(rows), ROWS_PER_INSERT):
		query = frappe.qb.into(summary).columns(
			"name", "creation", "modified", "owner", "modified_by", *COLUMNS
		)
		for row in rows[start : start + ROWS_PER_INSERT]:
			query = query.insert(SUMMARY_NAME, now, now, user, user, *row)
		query.run()


def take_lock() -> bool:
	return bool(frappe.db.sql("select get_lock(%s, 0)", (lock_name(),))[0][0])


def release_lock() -> None:
	frappe.db.sql("select release_lock(%s)", (lock_name(),))


def lock_name() -> str:
	# database locks are per server: one name per site database
	return f"{LOCK}:{frappe.conf.db_name}"[:64]


# ---------------------------------------------------------------- everything


def rebuild() -> None:
	"""Recompute every row from the opportunities, one INSERT ... SELECT per grouping, and drop
	every mark (for a patch, the demo and install: nothing else writes meanwhile)."""
	frappe.db.delete(REFRESH)
	frappe.db.delete(SUMMARY)
	listed = ", ".join(f"`{column}`" for column in COLUMNS)
	for query in [*date_queries(None), *closing_queries(None)]:
		# names and constants from this module; the grouped queries hold no request value
		frappe.db.sql(
			f"""insert into `tab{SUMMARY}` (`name`, `creation`, `modified`, `owner`, `modified_by`, {listed})
			select nextval(`{SUMMARY_SEQUENCE}`), now(6), now(6), 'Administrator', 'Administrator', grouped.*
			from ({query.get_sql()}) grouped"""
		)
