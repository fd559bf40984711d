"""Database indexes the app's queries rely on, added on install and migrate."""

import frappe

from opportunity_plus.day_summaries import FIGURE_COLUMNS, KEY_COLUMNS

# (doctype, index name, columns)
INDEXES = [
	# board: the first page of each column, in card order (board_rank asc, newest first)
	(
		"Opportunity",
		"opportunity_plus_board_column_index",
		["sales_pipeline", "sales_stage", "board_rank", "creation desc"],
	),
	# board filtered by owner ("my opportunities"): that owner's cards of a column, in card order,
	# and the owner's column totals read from the index alone (amount, probability).
	# The pipeline comes first so that the report's GROUP BY owner never walks this index.
	(
		"Opportunity",
		"opportunity_plus_owner_board_index",
		[
			"sales_pipeline",
			"opportunity_owner",
			"sales_stage",
			"board_rank",
			"creation desc",
			"base_opportunity_amount",
			"probability",
		],
	),
	# board and report: count, amount and weighted amount per stage, read from the index alone
	(
		"Opportunity",
		"opportunity_plus_stage_totals_index",
		["sales_pipeline", "sales_stage", "base_opportunity_amount", "probability"],
	),
	# report by lost reason: the lost opportunities of a company and period with their amounts, and
	# each one's reasons, read from the indexes alone
	(
		"Opportunity",
		"opportunity_plus_status_index",
		[
			"status",
			"company",
			"transaction_date",
			"base_opportunity_amount",
			"opportunity_amount",
			"conversion_rate",
		],
	),
	(
		"Opportunity Lost Reason Detail",
		"opportunity_plus_lost_reason_index",
		["parent", "parenttype", "parentfield", "lost_reason"],
	),
	# report by stage: the opportunities of a company and period (of a pipeline), with what the
	# by-stage figures need (their stays are joined by opportunity_key), read from the index alone
	(
		"Opportunity",
		"opportunity_plus_stage_report_index",
		[
			"company",
			"transaction_date",
			"sales_pipeline",
			"sales_stage",
			"status",
			"opportunity_key",
			"base_opportunity_amount",
			"opportunity_amount",
			"conversion_rate",
			"probability",
			"stage_entered_on",
			"modified",
			"creation",
		],
	),
	# report by stage: an opportunity's stays, read from the index alone (overrides/stays_by_stage.py)
	(
		"Opportunity Stage Stay",
		"opportunity_key_stays_index",
		[
			"opportunity_key",
			"stage_key",
			"seconds_in_stage",
			"stays",
			"first_leave",
			"in_stage_now",
			"sales_pipeline",
		],
	),
	# report by stage, for a reader who may read every opportunity: a company's and period's stays,
	# read from the index alone with no join to the opportunities (queries/analysis.stage_stays)
	(
		"Opportunity Stage Stay",
		"company_date_stays_index",
		[
			"company",
			"transaction_date",
			"stage_key",
			"seconds_in_stage",
			"stays",
			"first_leave",
			"in_stage_now",
		],
	),
	# the report from day summaries: a company's rows of one grouping and period, read from the index
	# alone (opportunity_plus.day_summaries.read)
	(
		"Opportunity Day Summary",
		"day_summary_read_index",
		["company", "dimension", "day", *KEY_COLUMNS[3:], *FIGURE_COLUMNS],
	),
	# the report: which days of its period are marked out of date
	("Opportunity Summary Refresh", "summary_refresh_day_index", ["company", "kind", "day"]),
	# the refresh of an expected closing month's forecast rows
	("Opportunity", "opportunity_plus_closing_index", ["company", "expected_closing"]),
	("Opportunity Stage History", "opportunity_changed_on_index", ["opportunity", "changed_on"]),
	# each move: whether it is the opportunity's first time out of its stage, from the index alone
	(
		"Opportunity Stage History",
		"opportunity_stay_flags_index",
		["opportunity", "from_stage", "seconds_in_from_stage", "first_leave", "first_leave_in_pipeline"],
	),
	(
		"Opportunity Stage History",
		"pipeline_stage_changed_on_index",
		["sales_pipeline", "to_stage", "changed_on"],
	),
]


# (doctype, index name) of indexes earlier versions added and a wider one now replaces
RETIRED_INDEXES = [
	("Opportunity Stage History", "opportunity_stay_index"),
	("Opportunity", "opportunity_plus_owner_column_index"),  # 1.3: covers the owner's totals too
]


def make_indexes() -> None:
	for doctype, name in RETIRED_INDEXES:
		drop_index(doctype, name)
	for doctype, name, columns in INDEXES:
		frappe.db.add_index(doctype, columns, index_name=name)


# sequences of our autoincrement doctypes: Frappe drops their tables on uninstall, not the sequences
SEQUENCES = [
	"opportunity_stage_history_id_seq",
	"opportunity_stage_stay_id_seq",
	"opportunity_day_summary_id_seq",
	"opportunity_summary_refresh_id_seq",
]


def drop_indexes() -> None:
	"""Drop indexes we added to other apps' tables (ours go with their doctypes), and the sequences
	that name the rows of our autoincrement doctypes (Frappe leaves those behind)."""
	for doctype, name, _columns in INDEXES:
		if frappe.get_meta(doctype).module != "Opportunity Plus":
			drop_index(doctype, name)
	for sequence in SEQUENCES:
		frappe.db.sql_ddl(f"drop sequence if exists `{sequence}`")


def drop_index(doctype: str, name: str) -> None:
	if frappe.db.has_index(f"tab{doctype}", name):
		frappe.db.sql_ddl(f"alter table `tab{doctype}` drop index `{name}`")
