"""Recording every stage change of an opportunity in Opportunity Stage History.

History rows are a high-volume log: they are named by Frappe's ``autoincrement`` naming (a BIGINT key
from the sequence ``opportunity_stage_history_id_seq``), never by a random hash, which collides at
millions of rows and makes every secondary index carry a long varchar key."""

import frappe
from frappe import _
from frappe.query_builder.functions import Coalesce, Count, Sum
from frappe.utils import get_datetime, time_diff_in_seconds
from pypika.analytics import RowNumber
from pypika.terms import Case

from opportunity_plus.durations import describe_duration
from opportunity_plus.messages import esc
from opportunity_plus.overrides.move_context import move_context, take_stage_change
from opportunity_plus.overrides.stage_keys import next_keys
from opportunity_plus.overrides.stays_by_stage import record_stay

HISTORY = "Opportunity Stage History"
HISTORY_TABLE = f"tab{HISTORY}"
HISTORY_SEQUENCE = "opportunity_stage_history_id_seq"  # frappe.scrub(HISTORY + "_id_seq")


def seconds_between(start, end) -> int:
	"""Whole seconds from ``start`` to ``end`` (never negative)."""
	return max(0, int(time_diff_in_seconds(end, start)))


def record_stage_change(doc) -> None:
	"""Write the history row of a stage change planned in validate, in the same transaction.

	The row is a log entry made from values the opportunity's own save has just validated, so it is
	written directly (no second round of link checks): a move is on the board's hot path."""
	change = take_stage_change(doc)
	if not change:
		return
	context = move_context(doc)
	reference = context.reference
	first_leave, first_leave_in_pipeline = first_leaves(doc.name, doc.sales_pipeline, change.from_stage)
	row = frappe.get_doc(
		{
			"doctype": "Opportunity Stage History",
			"opportunity": doc.name,
			"sales_pipeline": doc.sales_pipeline,
			"from_stage": change.from_stage,
			"to_stage": change.to_stage,
			"changed_on": doc.stage_entered_on,
			"changed_by": frappe.session.user,
			"from_stage_entered_on": change.from_entered_on,
			"seconds_in_from_stage": change.seconds_in_from_stage,
			"first_leave": first_leave,
			"first_leave_in_pipeline": first_leave_in_pipeline,
			"via": context.via,
			"reference_doctype": reference[0] if reference else None,
			"reference_name": reference[1] if reference else None,
		}
	)
	row.db_insert()
	record_stay(doc, change, first_leave)


def first_leaves(opportunity: str, pipeline: str | None, from_stage: str | None) -> tuple[int, int]:
	"""Whether leaving ``from_stage`` now is the opportunity's first time out of that stage, at all
	and within ``pipeline``: the report counts the opportunities that moved on with these flags."""
	if not from_stage:
		return 0, 0
	history = frappe.qb.DocType("Opportunity Stage History")
	earlier = (
		frappe.qb.from_(history)
		.select(history.sales_pipeline)
		.where(history.opportunity == opportunity)
		.where(history.from_stage == from_stage)
		.run(pluck=True)
	)
	return int(not earlier), int(pipeline not in earlier)


def get_history(opportunity: str, limit: int = 50) -> list[dict]:
	"""The latest stage changes of an opportunity, with readable durations."""
	rows = frappe.get_all(
		"Opportunity Stage History",
		filters={"opportunity": opportunity},
		fields=["from_stage", "to_stage", "changed_on", "changed_by", "seconds_in_from_stage", "via"],
		order_by="changed_on desc, creation desc, name desc",
		limit=limit,
	)
	for row in rows:
		row.time_in_from_stage = (
			_("{0} in {1}").format(describe_duration(row.seconds_in_from_stage, _), esc(_(row.from_stage)))
			if row.from_stage and row.seconds_in_from_stage is not None
			else ""
		)
		row.changed_on = get_datetime(row.changed_on)
	return rows


def last_move(opportunity: str, **filters) -> dict | None:
	"""The latest history row of an opportunity matching ``filters`` (e.g. a reference document)."""
	rows = frappe.get_all(
		"Opportunity Stage History",
		filters={"opportunity": opportunity, **filters},
		fields=["from_stage", "to_stage", "reference_doctype", "reference_name"],
		order_by="changed_on desc, creation desc, name desc",
		limit=1,
	)
	return rows[0] if rows else None


def backfill_first_leaves() -> None:
	"""Flag every history row that is its opportunity's first time out of its stage (at all, and
	within its pipeline), in one statement: for history written before the flags existed."""
	history = frappe.qb.DocType("Opportunity Stage History")

	def first_of(*partition):
		order = RowNumber().over(*partition).orderby(history.changed_on, history.creation, history.name)
		return Case().when(order == 1, 1).else_(0)

	ranked = (
		frappe.qb.from_(history)
		.select(
			history.name,
			first_of(history.opportunity, history.from_stage).as_("is_first"),
			first_of(history.opportunity, history.sales_pipeline, history.from_stage).as_(
				"is_first_in_pipeline"
			),
		)
		.where(history.from_stage.isnotnull())
	).as_("ranked")
	(
		frappe.qb.update(history)
		.join(ranked)
		.on(ranked.name == history.name)
		.set(history.first_leave, ranked.is_first)
		.set(history.first_leave_in_pipeline, ranked.is_first_in_pipeline)
		.run()
	)


def backfill_stay_totals() -> None:
	"""Set every opportunity's totals of completed stays (``stage_stay_seconds``, ``stage_stays``)
	from its stage history, in one statement: for sites whose history predates the totals."""
	history, opp = frappe.qb.DocType("Opportunity Stage History"), frappe.qb.DocType("Opportunity")
	stays = (
		frappe.qb.from_(history)
		.select(
			history.opportunity,
			Sum(history.seconds_in_from_stage).as_("seconds"),
			Count(history.seconds_in_from_stage).as_("stays"),
		)
		.where(history.from_stage.isnotnull())
		.groupby(history.opportunity)
	).as_("stays")
	(
		frappe.qb.update(opp)
		.join(stays)
		.on(stays.opportunity == opp.name)
		.set(opp.stage_stay_seconds, Coalesce(stays.seconds, 0))
		.set(opp.stage_stays, stays.stays)
		.run()
	)


def reserve_history_names(count: int) -> list[int]:
	"""``count`` new row names from the history's sequence (for bulk writers such as the demo), each
	taken with NEXTVAL as ``db_insert`` takes one, so concurrent moves never collide."""
	return next_keys(HISTORY_SEQUENCE, count)


def history_has_autoincrement_names() -> bool:
	column = frappe.db.sql(
		"""select data_type from information_schema.columns
		where table_schema = database() and table_name = %s and column_name = 'name'""",
		(HISTORY_TABLE,),
	)
	return bool(column) and column[0][0].lower() == "bigint"


def renumber_history() -> None:
	"""Move the history of a site written with random names to autoincrement names, set-based.

	The old table is renamed aside, Frappe creates the new one (BIGINT key, sequence) from the
	DocType, one INSERT ... SELECT copies every row numbered in time order, the sequence continues
	after the last number and the old table is dropped. Nothing links to history rows by name (the
	app reads them by opportunity), so renumbering loses nothing. Safe to run again: a site already
	migrated is left alone, and a run interrupted after the rename resumes from the old table."""
	old = f"{HISTORY_TABLE} before 1.3"
	has_old = frappe.db.sql("show tables like %s", (old,))
	if not has_old:
		if not frappe.db.table_exists(HISTORY, cached=False) or history_has_autoincrement_names():
			return
		frappe.db.sql_ddl(f"rename table `{HISTORY_TABLE}` to `{old}`")
	frappe.db.sql_ddl(f"drop table if exists `{HISTORY_TABLE}`")
	frappe.db.updatedb(HISTORY)  # the new table and its sequence, as the DocType defines them

	new_columns, old_columns = (
		{row[0] for row in frappe.db.sql(f"show columns from `{t}`")} for t in (HISTORY_TABLE, old)
	)
	columns = sorted((new_columns & old_columns) - {"name"})
	listed = ", ".join(f"`{column}`" for column in columns)
	frappe.db.sql(
		f"""insert into `{HISTORY_TABLE}` (`name`, {listed})
		select row_number() over (order by `changed_on`, `creation`, `name`), {listed} from `{old}`"""
	)
	last = frappe.db.sql(f"select max(`name`) from `{HISTORY_TABLE}`")[0][0]
	if last:
		frappe.db.sql(f"select setval(`{HISTORY_SEQUENCE}`, %s)", (int(last),))
	frappe.db.commit()
	frappe.db.sql_ddl(f"drop table `{old}`")
