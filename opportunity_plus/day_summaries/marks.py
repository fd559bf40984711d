"""Marking the days a change to an opportunity puts out of date.

Every change to an opportunity (a save, ERPNext's ``db_set`` of its status, a deletion) marks, in the
change's own transaction, the company and opportunity date it had before and has after, and the same
for its expected closing month (the forecast's rows). A mark is a new row each time, never an update
of a shared one, so concurrent saves never wait on each other; the refresh job removes exactly the
marks it has counted (``refresh.py`` says why that keeps the figures exact).
"""

from collections.abc import Iterable
from datetime import date

import frappe
from frappe.utils import getdate, now_datetime
from pypika.terms import PseudoColumn

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
from opportunity_plus.day_summaries.refresh import closing_month_of, kind_of_dimension
from opportunity_plus.rules.analysis import NOT_OPEN_STATUSES

REFRESH_NAME = PseudoColumn(
	"nextval(`opportunity_summary_refresh_id_seq`)"
)  # frappe.scrub(REFRESH + "_id_seq")
REFRESH_JOB = "opportunity_plus.day_summaries.refresh.refresh_marked"


def month_start(day: date) -> date:
	return day.replace(day=1)


def marks_of(doc) -> set[tuple[str, str, date]]:
	"""(company, kind, day) of what one version of an opportunity counts in."""
	marks = set()
	company = doc.get("company")
	if not company:
		return marks
	if doc.get("transaction_date"):
		marks.add((company, OPPORTUNITY_DATE, getdate(doc.transaction_date)))
	if doc.get("expected_closing"):
		marks.add((company, CLOSING_MONTH, month_start(getdate(doc.expected_closing))))
	return marks


def mark_opportunity(doc, method=None) -> None:
	"""Opportunity on_change (after every save and ``db_set``) and on_trash."""
	marks = marks_of(doc)
	before = doc.get_doc_before_save()
	if before:
		marks |= marks_of(before)
	mark(marks)


def mark(marks: Iterable[tuple[str, str, date]]) -> None:
	"""Mark (company, kind, day) rows out of date, and have the refresh job run after the commit."""
	marks = sorted(set(marks))
	if not marks:
		return
	refresh = frappe.qb.DocType(REFRESH)
	now, user = now_datetime(), frappe.session.user
	query = frappe.qb.into(refresh).columns(
		"name", "creation", "modified", "owner", "modified_by", "company", "kind", "day"
	)
	for company, kind, day in marks:
		query = query.insert(REFRESH_NAME, now, now, user, user, company, kind, day)
	query.run()
	enqueue_refresh()


def enqueue_refresh() -> None:
	"""One refresh job at a time (a mark made while it runs waits for the next job, or the
	scheduler's next run, within four minutes); none in tests, which refresh when they mean to."""
	if frappe.flags.in_test or frappe.flags.in_install or frappe.flags.in_migrate:
		return
	frappe.enqueue(
		REFRESH_JOB,
		queue="short",
		timeout=1500,  # a backlog (an import, a rename) is counted in batches, each committed
		job_id=REFRESH_JOB,  # Frappe makes it per site
		deduplicate=True,
		enqueue_after_commit=True,
	)


def mark_forecasts() -> None:
	"""After predicted win probabilities were refreshed by plain SQL (training, the nightly job):
	every expected closing month that has open opportunities."""
	opp = frappe.qb.DocType("Opportunity")
	month = closing_month_of(opp)
	rows = (
		frappe.qb.from_(opp)
		.select(opp.company, month)
		.distinct()
		.where(opp.company.isnotnull())
		.where(opp.expected_closing.isnotnull())
		.where(opp.status.notin(sorted(NOT_OPEN_STATUSES)))
		.run()
	)
	mark((company, CLOSING_MONTH, getdate(day)) for company, day in rows)


# (doctype renamed, summary column holding its names, dimensions that column holds it for; None: all)
RENAMED_COLUMNS = {
	"Company": (("company", None),),
	"Sales Pipeline": (("sales_pipeline", None), ("detail", (STAY,))),
	"Sales Stage": (("value", (STAGE,)),),
	"User": (("value", (OWNER, FORECAST)),),
	"Lead Source": (("value", (SOURCE,)),),
	"Territory": (("value", (TERRITORY,)),),
	"Opportunity Lost Reason": (("value", (LOST_REASON, COMPETITOR)),),
	"Competitor": (("detail", (COMPETITOR,)),),
}


def after_rename(doc, method=None, old: str | None = None, new: str | None = None, merge: bool = False):
	"""after_rename of the masters the summaries name: Frappe renames the links in the opportunities
	with plain SQL, so every day whose rows hold the old name is marked (for a company, under both
	names) and recomputed under the new one."""
	if not old or not new:
		return
	summary = frappe.qb.DocType(SUMMARY)
	marks = set()
	for column, dimensions in RENAMED_COLUMNS.get(doc.doctype, ()):
		query = (
			frappe.qb.from_(summary)
			.select(summary.company, summary.dimension, summary.day)
			.distinct()
			.where(summary[column] == old)
		)
		if dimensions:
			query = query.where(summary.dimension.isin(dimensions))
		for company, dimension, day in query.run():
			kind = kind_of_dimension(dimension)
			marks.add((company, kind, day))
			if doc.doctype == "Company":
				marks.add((new, kind, day))
	mark(marks)
