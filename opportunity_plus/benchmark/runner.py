"""Time the app's board, moves and report beside ERPNext's native views on the same data.

Server side: the Python functions are called directly in one process, as a given user, so the
numbers are what the database and the app's code cost. Through HTTP: the same operations as a
logged-in desk session sends them to `bench serve`, so request handling is included.

The database floor is what the board needs at the least, as raw SQL with constant arguments: the
first page of every column and one covering aggregate. Nothing here takes user input.
"""

import json
import time
from collections.abc import Callable
from datetime import date

import frappe
from frappe.query_builder import Order
from frappe.query_builder.functions import Count
from frappe.utils import getdate, nowdate

from opportunity_plus.benchmark.stats import format_table, in_rounds, last_twelve_months, ratio
from opportunity_plus.queries.pipeline import get_stages

BENCH_USER = "opportunity.plus.benchmark@example.com"
KANBAN_BOARD = "Opportunity Plus Benchmark"
GROUPINGS = ("Stage", "Owner", "Pipeline", "Month", "Source", "Territory", "Lost Reason", "Forecast")


def measure(operations: list[tuple[str, str, Callable]], repeat: int, mode: str) -> list[dict]:
	"""Rows of timings of (group, operation, function), measured in interleaved rounds
	(``stats.in_rounds``); each call's transaction is rolled back, a failed one's messages dropped."""

	def after():
		frappe.db.rollback()
		frappe.local.message_log = []

	summaries = in_rounds([fn for _group, _operation, fn in operations], repeat, after=after)
	return [
		{"group": group, "operation": operation, "mode": mode, **summary}
		for (group, operation, _fn), summary in zip(operations, summaries, strict=True)
	]


def as_user(user: str, fn: Callable) -> Callable:
	def run():
		frappe.set_user(user)
		try:
			return fn()
		finally:
			frappe.set_user("Administrator")

	return run


def ensure_bench_user(pipeline: str) -> str:
	"""An ordinary sales user limited to one pipeline by a User Permission (permission conditions apply)."""
	if not frappe.db.exists("User", BENCH_USER):
		user = frappe.get_doc(
			{"doctype": "User", "email": BENCH_USER, "first_name": "Benchmark", "send_welcome_email": 0}
		)
		user.append("roles", {"role": "Sales User"})
		user.insert(ignore_permissions=True)
	if not frappe.db.exists("User Permission", {"user": BENCH_USER, "allow": "Sales Pipeline"}):
		frappe.get_doc(
			{
				"doctype": "User Permission",
				"user": BENCH_USER,
				"allow": "Sales Pipeline",
				"for_value": pipeline,
			}
		).insert(ignore_permissions=True)
	frappe.db.commit()
	return BENCH_USER


def remove_bench_user() -> None:
	frappe.db.delete("User Permission", {"user": BENCH_USER})
	if frappe.db.exists("User", BENCH_USER):
		frappe.delete_doc("User", BENCH_USER, ignore_permissions=True, force=True)
	frappe.db.commit()


def busiest_pipeline() -> str:
	opp = frappe.qb.DocType("Opportunity")
	row = (
		frappe.qb.from_(opp)
		.select(opp.sales_pipeline)
		.where(opp.sales_pipeline.isnotnull())
		.groupby(opp.sales_pipeline)
		.orderby(Count("*"), order=Order.desc)
		.limit(1)
		.run()
	)
	return row[0][0]


def busiest_owner(pipeline: str) -> str | None:
	opp = frappe.qb.DocType("Opportunity")
	row = (
		frappe.qb.from_(opp)
		.select(opp.opportunity_owner)
		.where(opp.sales_pipeline == pipeline)
		.where(opp.opportunity_owner.isnotnull())
		.groupby(opp.opportunity_owner)
		.orderby(Count("*"), order=Order.desc)
		.limit(1)
		.run()
	)
	return row[0][0] if row else None


def database_floor(pipeline: str, stages: list[str], page_length: int = 20) -> Callable:
	"""Raw SQL the board cannot do with less: every column's first page, with the columns a card
	shows (the board's ``CARD_FIELDS``), and one aggregate."""
	from opportunity_plus.queries.board import CARD_FIELDS

	columns = ", ".join(f"`{field}`" for field in CARD_FIELDS)  # the module's constants

	def run():
		for stage in stages:
			frappe.db.sql(
				f"""select {columns}
				from `tabOpportunity` where sales_pipeline=%s and sales_stage=%s
				order by board_rank asc, creation desc limit %s""",
				(pipeline, stage, page_length + 1),
			)
		frappe.db.sql(
			"""select sales_stage, count(*), sum(base_opportunity_amount),
				sum(base_opportunity_amount * probability / 100)
			from `tabOpportunity` where sales_pipeline=%s group by sales_stage""",
			(pipeline,),
		)

	return run


def report_filters(company: str, grouping: str, from_date: date, to_date: date) -> dict:
	return {
		"company": company,
		"group_by": grouping,
		"date_field": "transaction_date",
		"from_date": str(from_date),
		"to_date": str(to_date),
		"months": 6,
	}


def server_operations(company: str, pipeline: str, user: str) -> list[tuple[str, str, Callable]]:
	from erpnext.crm.report.opportunity_summary_by_sales_stage import opportunity_summary_by_sales_stage
	from erpnext.crm.report.sales_pipeline_analytics import sales_pipeline_analytics

	from opportunity_plus.api import board
	from opportunity_plus.opportunity_plus.report.opportunity_analysis import opportunity_analysis

	stage_names = [stage.sales_stage for stage in get_stages(pipeline)]
	busiest_stage = stage_names[0]
	year_ago, today = last_twelve_months(getdate(nowdate()))
	# "all data": the longest range the report takes (grouped by month, at most 20 years)
	ever = date(today.year - 19, 1, 1)
	# one salesperson's cards ("my opportunities" for them): the owner with the most in the pipeline
	mine = {"owner": busiest_owner(pipeline)}

	ops = [
		("db floor", "first pages + aggregate (raw SQL)", database_floor(pipeline, stage_names)),
		("board", "open pipeline (Administrator)", lambda: board.get_board(pipeline)),
		("board", "open pipeline, one owner (Administrator)", lambda: board.get_board(pipeline, mine)),
		("board", "open pipeline (sales user)", as_user(user, lambda: board.get_board(pipeline))),
		(
			"board",
			"open pipeline, one owner (sales user)",
			as_user(user, lambda: board.get_board(pipeline, mine)),
		),
		("board", "column next page", lambda: board.get_cards(pipeline, busiest_stage, None, 20, 20)),
	]
	for grouping in GROUPINGS:
		for label, start in (("all data", ever), ("12 months", year_ago)):
			filters = report_filters(company, grouping, start, today)
			ops.append(
				(
					"report",
					f"Opportunity Analysis by {grouping}, {label}",
					lambda f=filters: opportunity_analysis.execute(f),
				)
			)
	# a reader Frappe limits (a User Permission on the pipeline) never reads the day summaries
	by_stage = report_filters(company, "Stage", year_ago, today)
	ops.append(
		(
			"report",
			"Opportunity Analysis by Stage, 12 months (sales user)",
			as_user(user, lambda: opportunity_analysis.execute(by_stage)),
		)
	)

	native_list = {
		"doctype": "Opportunity",
		"fields": json.dumps(
			[
				"`tabOpportunity`.`name`",
				"`tabOpportunity`.`title`",
				"`tabOpportunity`.`status`",
				"`tabOpportunity`.`opportunity_amount`",
				"`tabOpportunity`.`modified`",
			]
		),
		"order_by": "`tabOpportunity`.`modified` desc",
		"start": 0,
		"page_length": 20,
		"view": "List",
		"with_comment_count": 1,
	}

	def reportview():
		from frappe.desk.reportview import get

		frappe.local.form_dict = frappe._dict(native_list)
		return get()

	def native_kanban():
		for status in ("Open", "Quotation", "Replied", "Converted", "Lost", "Closed"):
			frappe.get_list(
				"Opportunity",
				filters={"status": status},
				fields=["name", "title", "status", "opportunity_amount", "modified"],
				order_by="modified desc",
				limit_page_length=20,
			)

	native = {"company": company, "from_date": str(year_ago), "to_date": str(today)}
	ops += [
		("native", "Opportunity list first page (reportview)", reportview),
		("native", "Kanban by status (first 20 per column)", native_kanban),
	]
	for based_on in ("Number", "Amount"):
		ops.append(
			(
				"native",
				f"Sales Pipeline Analytics by stage, 12 months ({based_on})",
				lambda b=based_on: sales_pipeline_analytics.execute(
					{**native, "pipeline_by": "Sales Stage", "range": "Monthly", "based_on": b}
				),
			)
		)
		ops.append(
			(
				"native",
				f"Opportunity Summary by Sales Stage, 12 months ({based_on})",
				lambda b=based_on: opportunity_summary_by_sales_stage.execute(
					{**native, "based_on": "Opportunity Owner", "data_based_on": b}
				),
			)
		)
	return ops


def two_open_stages(pipeline: str) -> tuple[str, str]:
	stages = [s for s in get_stages(pipeline) if s.stage_type == "Open" and not s.require_submitted_quotation]
	return stages[0].sales_stage, stages[1].sales_stage


def movable_opportunities(pipeline: str, stage: str) -> list[str]:
	return frappe.get_all(
		"Opportunity",
		filters={"sales_pipeline": pipeline, "sales_stage": stage, "opportunity_amount": (">", 0)},
		order_by="creation desc",
		pluck="name",
		limit=3,
	)


def back_and_forth(name: str, first: str, second: str, move_to: Callable) -> Callable:
	"""Each call moves ``name`` to the other stage, with its commit."""
	state = {"to": second}

	def move():
		move_to(name, state["to"])
		frappe.db.commit()
		state["to"] = first if state["to"] == second else second

	return move


def move_operation(pipeline: str) -> Callable:
	"""A card moved back and forth between two open stages on the board."""
	from opportunity_plus.api import board

	first, second = two_open_stages(pipeline)

	def move_card(name, to):
		board.move_card(name, to, str(frappe.db.get_value("Opportunity", name, "modified")))

	return back_and_forth(movable_opportunities(pipeline, first)[0], first, second, move_card)


def native_move_operations(pipeline: str) -> list[tuple[str, Callable]]:
	"""ERPNext's own ways to change an opportunity's stage, on other opportunities of the same
	columns: the form's save (``frappe.client.set_value``) and a drop on Frappe's Kanban view by
	sales stage (which saves the board's card order, then the opportunity)."""
	from frappe.client import set_value
	from frappe.desk.doctype.kanban_board.kanban_board import update_order_for_single_card

	first, second = two_open_stages(pipeline)
	names = movable_opportunities(pipeline, first)

	def save_stage(name, to):
		set_value("Opportunity", name, "sales_stage", to)

	board = kanban_board(first, second)
	# where the card sits in its first column; every drop puts it on top of the other one
	place = {
		"index": frappe.parse_json(frappe.get_doc("Kanban Board", board).columns[0].order).index(names[2])
	}

	def kanban_drop(name, to):
		source = second if to == first else first
		update_order_for_single_card(board, name, source, to, place["index"], 0)
		place["index"] = 0

	return [
		(
			"Opportunity saved with a new stage (form, frappe.client.set_value)",
			back_and_forth(names[1], first, second, save_stage),
		),
		(
			"Kanban card drop by sales stage (update_order_for_single_card)",
			back_and_forth(names[2], first, second, kanban_drop),
		),
	]


def kanban_board(first: str, second: str) -> str:
	"""A Kanban Board of Opportunity by sales stage with the two columns, as the Kanban view makes."""
	remove_kanban_board()
	board = frappe.get_doc(
		{
			"doctype": "Kanban Board",
			"kanban_board_name": KANBAN_BOARD,
			"reference_doctype": "Opportunity",
			"field_name": "sales_stage",
			"columns": [{"column_name": first}, {"column_name": second}],
		}
	).insert(ignore_permissions=True)
	return board.name


def remove_kanban_board() -> None:
	if frappe.db.exists("Kanban Board", KANBAN_BOARD):
		frappe.delete_doc("Kanban Board", KANBAN_BOARD, ignore_permissions=True, force=True)


def run_server(company: str, pipeline: str, repeat: int) -> list[dict]:
	user = ensure_bench_user(pipeline)
	rows = []
	try:
		rows += measure(server_operations(company, pipeline, user), repeat, "server")
		moves = [("board", "card move (history row, realtime, commit)", move_operation(pipeline))]
		moves += [("native", label, fn) for label, fn in native_move_operations(pipeline)]
		rows += measure(moves, repeat, "server")
	finally:
		frappe.set_user("Administrator")
		remove_kanban_board()
		remove_bench_user()
		frappe.db.commit()
	return rows


def run_http(base_url: str, password: str, company: str, pipeline: str, repeat: int) -> list[dict]:
	"""The same board and report calls through a logged-in HTTP session (bench serve)."""
	import requests

	session = requests.Session()
	response = session.post(
		f"{base_url}/api/method/login", data={"usr": "Administrator", "pwd": password}, timeout=30
	)
	response.raise_for_status()
	year_ago, today = last_twelve_months(getdate(nowdate()))
	stage = get_stages(pipeline)[0].sales_stage

	def call(method: str, **params):
		def run():
			reply = session.post(f"{base_url}/api/method/{method}", json=params, timeout=120)
			reply.raise_for_status()

		return run

	def report(name: str, filters: dict):
		return call(
			"frappe.desk.query_report.run", report_name=name, filters=filters, ignore_prepared_report=True
		)

	ops = [
		(
			"board",
			"open pipeline (Administrator)",
			call("opportunity_plus.api.board.get_board", pipeline=pipeline),
		),
		(
			"board",
			"column next page",
			call("opportunity_plus.api.board.get_cards", pipeline=pipeline, stage=stage, start=20),
		),
		(
			"report",
			"Opportunity Analysis by Stage, 12 months",
			report("Opportunity Analysis", report_filters(company, "Stage", year_ago, today)),
		),
		(
			"native",
			"Opportunity list first page (reportview)",
			call(
				"frappe.desk.reportview.get",
				doctype="Opportunity",
				fields=["`tabOpportunity`.`name`", "`tabOpportunity`.`title`", "`tabOpportunity`.`status`"],
				order_by="`tabOpportunity`.`modified` desc",
				start=0,
				page_length=20,
				view="List",
			),
		),
		(
			"native",
			"Sales Pipeline Analytics by stage, 12 months (Amount)",
			report(
				"Sales Pipeline Analytics",
				{
					"company": company,
					"from_date": str(year_ago),
					"to_date": str(today),
					"pipeline_by": "Sales Stage",
					"range": "Monthly",
					"based_on": "Amount",
				},
			),
		),
	]
	return measure(ops, repeat, "http")


def run(
	repeat: int = 15, base_url: str | None = None, password: str = "admin", company: str | None = None
) -> dict:
	company = (
		company or frappe.defaults.get_global_default("company") or frappe.get_all("Company", pluck="name")[0]
	)
	pipeline = busiest_pipeline()
	count = frappe.db.count("Opportunity")
	# the day summaries as a site with a background worker keeps them (the card moves timed below
	# each leave their day to be counted from the opportunities, as on a busy site)
	from opportunity_plus.day_summaries.refresh import refresh_marked

	marks_counted = refresh_marked()
	rows = run_server(company, pipeline, repeat)
	if base_url:
		rows += run_http(base_url, password, company, pipeline, repeat)
	floor = next(row["median_ms"] for row in rows if row["group"] == "db floor")  # nan when it failed
	board_open = next(row["median_ms"] for row in rows if row["operation"] == "open pipeline (Administrator)")
	return {
		"site": frappe.local.site,
		"opportunities": count,
		"pipeline": pipeline,
		"pipeline_opportunities": frappe.db.count("Opportunity", {"sales_pipeline": pipeline}),
		"repeat": repeat,
		"board_open_vs_floor": ratio(board_open, floor),
		"day_summary_marks_counted_first": marks_counted,
		"rows": rows,
		"table": format_table(rows),
	}
