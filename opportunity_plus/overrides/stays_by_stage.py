"""Opportunity Stage Stay: per opportunity, pipeline and stage it has left, the total time of its
completed stays, whether that was its first time out of the stage, and whether it is back there now.

The Opportunity Analysis by stage needs these per stage for the opportunities of its period. Summed
from the stage history, that is one index range per opportunity over rows keyed by a utf8mb4 name,
more than all the rest of the report; summed from these rows, joined by the opportunity's integer
key and grouped by the stage's (``stage_keys.py``), less than half of it. They are kept on every move
in the move's own transaction (the opportunity's row lock orders concurrent moves of one
opportunity), rebuilt from the history by ``rebuild_stays`` (the 1.4 patch), and written in bulk
by the demo.
"""

import frappe
from frappe.query_builder.functions import Count, Max, Sum
from frappe.utils import getdate
from pypika.terms import Case, Criterion

from opportunity_plus.overrides.stage_keys import next_keys, opportunity_key_of, stage_key_of

STAY = "Opportunity Stage Stay"
STAY_TABLE = f"tab{STAY}"
STAY_SEQUENCE = "opportunity_stage_stay_id_seq"  # frappe.scrub(STAY + "_id_seq")


def record_stay(doc, change, first_leave: int) -> None:
	"""After the history row of a move: add the stay it ended to its (pipeline, stage) row, then mark
	which of the opportunity's rows is the stage it is in now. ``first_leave``: whether this is the
	opportunity's first time out of the stage in any pipeline, as its history row says."""
	opportunity_key = opportunity_key_of(doc)
	if change.from_stage:
		add_stay(doc, opportunity_key, change, first_leave)
	mark_current_stage(opportunity_key, stage_key_of(change.to_stage) or 0)


def add_stay(doc, opportunity_key: int, change, first_leave: int) -> None:
	stay = frappe.qb.DocType(STAY)
	stage_key = stage_key_of(change.from_stage) or 0
	completed = int(change.seconds_in_from_stage is not None)
	seconds = change.seconds_in_from_stage or 0
	same_row = (
		(stay.opportunity_key == opportunity_key)
		& (stay.stage_key == stage_key)
		& same_pipeline(stay, doc.sales_pipeline)
	)
	existing = frappe.qb.from_(stay).select(stay.name).where(same_row).limit(1).run(pluck=True)
	if existing:
		(
			frappe.qb.update(stay)
			.set(stay.seconds_in_stage, stay.seconds_in_stage + seconds)
			.set(stay.stays, stay.stays + completed)
			.where(stay.name == existing[0])
			.run()
		)
		return
	frappe.get_doc(
		{
			"doctype": STAY,
			"opportunity": doc.name,
			"opportunity_key": opportunity_key,
			"company": doc.company,
			"transaction_date": doc.transaction_date,
			"sales_pipeline": doc.sales_pipeline,
			"sales_stage": change.from_stage,
			"stage_key": stage_key,
			"seconds_in_stage": seconds,
			"stays": completed,
			"first_leave": first_leave,
		}
	).db_insert()


def follow_opportunity(doc) -> None:
	"""Opportunity on_update: its stays carry its company and date (the report by stage reads a
	period's stays by them), so they follow a change of either."""
	before = doc.get_doc_before_save()
	if not before or (before.company, getdate(before.transaction_date)) == (
		doc.company,
		getdate(doc.transaction_date),
	):
		return
	stay = frappe.qb.DocType(STAY)
	(
		frappe.qb.update(stay)
		.set(stay.company, doc.company)
		.set(stay.transaction_date, doc.transaction_date)
		.where(stay.opportunity_key == opportunity_key_of(doc))
		.run()
	)


def date_stays() -> None:
	"""Give every stay its opportunity's company and date, in one statement (the 1.5 patch)."""
	stay, opp = frappe.qb.DocType(STAY), frappe.qb.DocType("Opportunity")
	# renamed columns: SET names its columns unqualified, and both tables have company and date
	source = (
		frappe.qb.from_(opp)
		.select(
			opp.name.as_("opportunity_name"),
			opp.company.as_("opportunity_company"),
			opp.transaction_date.as_("opportunity_date"),
		)
		.as_("source")
	)
	(
		frappe.qb.update(stay)
		.join(source)
		.on(source.opportunity_name == stay.opportunity)
		.set(stay.company, source.opportunity_company)
		.set(stay.transaction_date, source.opportunity_date)
		.run()
	)


def same_pipeline(stay, pipeline: str | None) -> Criterion:
	return stay.sales_pipeline == pipeline if pipeline else stay.sales_pipeline.isnull()


def mark_current_stage(opportunity_key: int, stage_key: int) -> None:
	stay = frappe.qb.DocType(STAY)
	now = Case().when(stay.stage_key == stage_key, 1).else_(0)
	(
		frappe.qb.update(stay)
		.set(stay.in_stage_now, now)
		.where(stay.opportunity_key == opportunity_key)
		.where(stay.in_stage_now != now)
		.run()
	)


def reserve_stay_names(count: int) -> list[int]:
	"""``count`` new row names from the stays' sequence, for bulk writers such as the demo."""
	return next_keys(STAY_SEQUENCE, count)


def rebuild_stays() -> None:
	"""Rebuild every row from the stage history in one INSERT ... SELECT (after ``backfill_keys``):
	for sites whose history predates these rows. Rows are numbered after the sequence's last value."""
	history, opp, stage = (
		frappe.qb.DocType("Opportunity Stage History"),
		frappe.qb.DocType("Opportunity"),
		frappe.qb.DocType("Sales Stage"),
	)
	frappe.db.delete(STAY)
	grouped = (
		frappe.qb.from_(history)
		.join(opp)
		.on(opp.name == history.opportunity)
		.join(stage)
		.on(stage.name == history.from_stage)
		.select(
			history.opportunity,
			Max(opp.opportunity_key),
			Max(opp.company),
			Max(opp.transaction_date),
			history.sales_pipeline,
			history.from_stage,
			Max(stage.stage_key),
			Sum(history.seconds_in_from_stage),
			Count(history.seconds_in_from_stage),
			Max(history.first_leave),
			Max(Case().when(history.from_stage == opp.sales_stage, 1).else_(0)),
		)
		.groupby(history.opportunity, history.sales_pipeline, history.from_stage)
	)
	columns = (
		"opportunity",
		"opportunity_key",
		"company",
		"transaction_date",
		"sales_pipeline",
		"sales_stage",
		"stage_key",
		"seconds_in_stage",
		"stays",
		"first_leave",
		"in_stage_now",
	)
	listed = ", ".join(f"`{column}`" for column in columns)
	start = int(frappe.db.sql(f"select nextval(`{STAY_SEQUENCE}`)")[0][0])
	# names and constants from this module; the grouped query has no parameters
	frappe.db.sql(
		f"""insert into `{STAY_TABLE}` (`name`, `creation`, `modified`, `owner`, `modified_by`, {listed})
		select %(start)s + row_number() over (), now(6), now(6), 'Administrator', 'Administrator', grouped.*
		from ({grouped.get_sql()}) grouped""",
		{"start": start},
	)
	last = frappe.db.sql(f"select max(`name`) from `{STAY_TABLE}`")[0][0]
	if last:
		frappe.db.sql(f"select setval(`{STAY_SEQUENCE}`, %s)", (int(last),))
