"""The board's reads: the cards of a column and the totals of its columns.

A card's labels and follower count come with its row (``overrides/card_summary.py``).

Every query counts only the opportunities the user may read (``readable_condition`` of
``read_permission.py``, which says how); the board adds its whitelisted filters
(``opportunity_plus.rules.board``) on top. Totals are aggregated in the
database and columns are paged, so nothing here loads a whole pipeline into Python.
"""

import frappe
from frappe import _
from frappe.query_builder import Order
from frappe.query_builder.functions import Count, Sum
from frappe.utils import cint, flt, get_datetime, getdate, now_datetime
from pypika.terms import Criterion, Parameter

from opportunity_plus.messages import bold
from opportunity_plus.overrides.card_summary import label_colours, labels_of_card
from opportunity_plus.queries.labels import has_any_label
from opportunity_plus.queries.pipeline import get_stages
from opportunity_plus.queries.select_only import run_select
from opportunity_plus.rules.board import (
	DEFAULT_PAGE_LENGTH,
	FILTERS,
	SEARCH_FIELDS,
	card_flags,
	column_totals,
	filter_conditions,
)
from opportunity_plus.rules.pipeline import find_stage

# What a board filter may compare, from the whitelist of rules.board (nothing else reaches the database)
COMPARISONS = {"=": "__eq__", ">=": "__ge__", "<=": "__le__"}
FILTER_COLUMNS = tuple(sorted({spec.field for spec in FILTERS.values() if spec.operator in COMPARISONS}))
CARD_FIELDS = (
	"name",
	"title",
	"opportunity_from",
	"party_name",
	"customer_name",
	"opportunity_code",
	"sales_pipeline",
	"sales_stage",
	"status",
	"company",
	"currency",
	"opportunity_amount",
	"base_opportunity_amount",
	"probability",
	"predicted_win_probability",
	"expected_closing",
	"opportunity_owner",
	"stage_entered_on",
	"board_rank",
	"creation",
	"modified",
	"card_labels",
	"follower_count",
)
COLUMN_STAGE = "board_column_stage"  # the parameter of the column query that names its stage
STAGE_LIST_MAX_COLUMNS = 2  # totals of at most this many columns (a move) filter on their stages


def _filtered(query, opp, pipeline: str | None, filters: dict, permitted: Criterion | None):
	if pipeline:
		query = query.where(opp.sales_pipeline == pipeline)
	for condition in filter_conditions(filters):
		query = query.where(_criterion(opp, condition))
	if permitted is not None:
		query = query.where(permitted)
	return query


def _criterion(opp, condition):
	if condition.operator == "any":  # labels: the opportunity has any of them
		return has_any_label(list(condition.value))
	if condition.operator == "contains":
		criterion = None
		for column in SEARCH_FIELDS:
			like = opp[column].like(condition.value)
			criterion = like if criterion is None else criterion | like
		return criterion
	if condition.field not in FILTER_COLUMNS or condition.operator not in COMPARISONS:
		frappe.throw(_("The board cannot filter by {0}.").format(bold(condition.field)))
	return getattr(opp[condition.field], COMPARISONS[condition.operator])(condition.value)


def column_totals_of(pipeline: str, stages: list, filters: dict, permitted: Criterion | None) -> dict:
	"""One GROUP BY query: count, amount and probability-weighted amount per stage."""
	opp = frappe.qb.DocType("Opportunity")
	query = frappe.qb.from_(opp).select(
		opp.sales_stage,
		Count("*").as_("count"),
		Sum(opp.base_opportunity_amount).as_("amount"),
		Sum(opp.base_opportunity_amount * opp.probability / 100).as_("weighted"),
	)
	query = _filtered(query, opp, pipeline, filters, permitted)
	# Every column: grouping the whole pipeline (no stage list in the WHERE) lets the database read
	# the covering index (pipeline, stage, amount, probability) alone, where a long stage list made
	# it pick another index. A move only needs its two columns: their index ranges are far less
	# to read than the whole pipeline. column_totals keeps the stages asked for.
	if len(stages) <= STAGE_LIST_MAX_COLUMNS:
		query = query.where(opp.sales_stage.isin([stage.sales_stage for stage in stages]))
	query = query.groupby(opp.sales_stage)
	return column_totals(stages, query.run(as_dict=True))


def cards_of(
	pipeline: str | None,
	stages: list | None,
	filters: dict,
	permitted: Criterion | None,
	stage: str | None = None,
	names: list[str] | None = None,
	start: int = 0,
	page_length: int = DEFAULT_PAGE_LENGTH,
	details: bool = True,
) -> tuple[list[dict], bool]:
	if stage and names is None:
		# a column's page: the board asks for every column with the same filters, so the query is
		# built once and the next columns only change the stage value
		rows = _column_page(pipeline, filters, permitted, stage, start, page_length)
	else:
		rows = _page_query(pipeline, filters, permitted, stage, names, start, page_length).run(as_dict=True)
	has_more = len(rows) > page_length
	rows = rows[:page_length]
	if details:
		add_card_details(rows, stages)
	return rows, has_more


def _page_query(
	pipeline: str | None,
	filters: dict,
	permitted: Criterion | None,
	stage,
	names: list[str] | None,
	start: int,
	page_length: int,
):
	opp = frappe.qb.DocType("Opportunity")
	query = frappe.qb.from_(opp).select(*[opp[field] for field in CARD_FIELDS])
	query = _filtered(query, opp, pipeline, filters, permitted)
	if stage:
		query = query.where(opp.sales_stage == stage)
	if names is not None:
		query = query.where(opp.name.isin(names))
	return (
		query.orderby(opp.board_rank, order=Order.asc)
		.orderby(opp.creation, order=Order.desc)
		.limit(page_length + 1)
		.offset(start)
	)


def _column_page(
	pipeline: str | None, filters: dict, permitted: Criterion | None, stage: str, start: int, page_length: int
) -> list[dict]:
	"""One page of a column, from the column query of this board and filters, written to SQL at most
	once per request: the next columns only pass another value for the stage parameter."""
	key = (
		pipeline,
		frappe.as_json(filters, indent=None),
		permitted.get_sql() if permitted is not None else None,
		start,
		page_length,
	)
	cached = getattr(frappe.local, "opportunity_plus_column_query", None)
	if not cached or cached[0] != key:
		stage_parameter = Parameter(f"%({COLUMN_STAGE})s")
		query = _page_query(pipeline, filters, permitted, stage_parameter, None, start, page_length)
		sql, params = query.walk()
		cached = frappe.local.opportunity_plus_column_query = (key, sql, params)
	_key, sql, params = cached
	return run_select(sql, {**params, COLUMN_STAGE: stage}, as_dict=True)


def add_card_details(rows: list[dict], stages: list | None) -> None:
	"""Labels (with their colours), follower count and stage flags, from what the card's row carries
	(``overrides/card_summary.py``)."""
	if not rows:
		return
	for row in rows:
		row.labels = labels_of_card(row.pop("card_labels", None))
	_complete_cards(rows, stages, label_colours({label for row in rows for label in row.labels}))


def _complete_cards(rows: list[dict], stages: list | None, colours: dict):
	now = now_datetime()
	stage_cache = {}
	for row in rows:
		if row.sales_pipeline not in stage_cache:
			stage_cache[row.sales_pipeline] = (
				stages
				if stages is not None
				else (get_stages(row.sales_pipeline) if row.sales_pipeline else [])
			)
		row.labels = [{"label": label, "color": colours.get(label)} for label in row.labels]
		_complete_card(row, stage_cache[row.sales_pipeline], now)


def card_of_document(doc, stages: list) -> dict:
	"""The card of an opportunity just saved, made from the document itself (label colours from their
	cache)."""
	row = frappe._dict({field: doc.get(field) for field in CARD_FIELDS})
	add_card_details([row], stages)
	return row


def _complete_card(row, stages: list, now) -> None:
	"""Follower count, weighted amount and stage flags of one card."""
	stage = find_stage(stages, row.sales_stage)
	row.follower_count = cint(row.follower_count)
	row.weighted_amount = flt(row.base_opportunity_amount) * flt(row.probability) / 100
	row.update(
		card_flags(
			get_datetime(row.stage_entered_on) if row.stage_entered_on else None,
			getdate(row.expected_closing) if row.expected_closing else None,
			stage,
			now,
		)
	)
	row.modified = str(row.modified)
	row.creation = str(row.creation)
