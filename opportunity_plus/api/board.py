"""Whitelisted methods of the Opportunity Board page.

Every query is permission-aware: the opportunities a user may open are those of
``frappe.get_list("Opportunity", run=0)`` (roles, user permissions, permission query hooks and
documents shared with them, e.g. as a follower); the board adds its whitelisted filters
(``opportunity_plus.rules.board``) on top. Totals are aggregated in the database and columns are
paged, so nothing here loads a whole pipeline into Python.
"""

import frappe
from frappe import _
from frappe.query_builder import Order
from frappe.query_builder.functions import Count, Min, Sum
from frappe.utils import cint, flt, get_datetime, getdate, now_datetime, pretty_date
from pypika.terms import Criterion, Term

from opportunity_plus.arguments import datetime_arg, text_arg
from opportunity_plus.messages import bold
from opportunity_plus.overrides.move_context import set_move_context
from opportunity_plus.overrides.server_fields import set_board_rank
from opportunity_plus.queries.access import check_opportunity
from opportunity_plus.queries.labels import has_any_label
from opportunity_plus.queries.pipeline import get_default_pipeline, get_stages
from opportunity_plus.queries.read_permission import readable_condition
from opportunity_plus.rules import RuleError
from opportunity_plus.rules.board import (
	DEFAULT_PAGE_LENGTH,
	card_flags,
	check_lost_move,
	check_quick_add,
	column_totals,
	filter_conditions,
	names_of,
	page_bounds,
	parse_filters,
	rank_between,
	ranks_above,
	stage_view,
)
from opportunity_plus.rules.pipeline import LOST, find_stage
from opportunity_plus.rules.stage_move import VIA_BOARD

# Columns a board filter may compare (the whitelist of rules.board maps onto these only).
FILTER_COLUMNS = ("opportunity_owner", "company", "opportunity_type", "expected_closing")
COMPARISONS = {"=": "__eq__", ">=": "__ge__", "<=": "__le__"}
SEARCH_COLUMNS = ("title", "party_name", "customer_name", "opportunity_code")
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
	"expected_closing",
	"opportunity_owner",
	"stage_entered_on",
	"board_rank",
	"creation",
	"modified",
)
RENUMBER_LIMIT = 500
STAGE_LIST_MAX_COLUMNS = 2  # totals of at most this many columns (a move) filter on their stages


# ------------------------------------------------------------------------------------------ API


@frappe.whitelist()
@frappe.read_only()
def get_board(pipeline: str | None = None, filters: str | dict | None = None) -> dict:
	"""Pipeline and stages, per-column totals and the first page of every column."""
	filters = _parse(filters)
	pipeline = _pipeline(pipeline)
	permitted = readable_condition()
	stages = get_stages(pipeline)
	totals = _totals(pipeline, stages, filters, permitted)
	columns = []
	for stage in stages:
		cards, has_more = _cards(pipeline, stages, filters, permitted, stage=stage.sales_stage, details=False)
		columns.append(
			{**stage_view(stage), **totals[stage.sales_stage], "cards": cards, "has_more": has_more}
		)
	_add_card_details([card for column in columns for card in column["cards"]], stages)
	return {
		"pipeline": pipeline,
		"pipelines": _pipelines(pipeline),
		"filters": filters,
		"currency": _currency(filters),
		"page_length": DEFAULT_PAGE_LENGTH,
		"columns": columns,
		"can_create": bool(frappe.has_permission("Opportunity", "create")),
	}


@frappe.whitelist()
@frappe.read_only()
def get_cards(
	pipeline: str,
	stage: str,
	filters: str | dict | None = None,
	start: int = 0,
	page_length: int = DEFAULT_PAGE_LENGTH,
) -> dict:
	"""One page of a column, in board order."""
	filters = _parse(filters)
	pipeline = _pipeline(pipeline)
	stages = get_stages(pipeline)
	if not find_stage(stages, text_arg(stage, _("Sales Stage"))):
		frappe.throw(
			_("Sales Stage {0} is not part of the sales pipeline {1}.").format(bold(stage), bold(pipeline))
		)
	try:
		start, page_length = page_bounds(start, page_length)
	except RuleError as e:
		frappe.throw(e.translated(_))
	cards, has_more = _cards(
		pipeline, stages, filters, readable_condition(), stage=stage, start=start, page_length=page_length
	)
	return {"cards": cards, "has_more": has_more}


@frappe.whitelist()
@frappe.read_only()
def get_totals(pipeline: str, filters: str | dict | None = None) -> dict:
	"""Count, amount and weighted amount of every column (one aggregate query)."""
	filters = _parse(filters)
	pipeline = _pipeline(pipeline)
	return _totals(pipeline, get_stages(pipeline), filters, readable_condition())


@frappe.whitelist()
@frappe.read_only()
def get_card(name: str, pipeline: str | None = None, filters: str | dict | None = None) -> dict:
	"""One card, if the user may read it; ``matches`` tells whether it passes the board's filters.

	The board calls this when the realtime ``list_update`` event names an opportunity, so a user
	only ever sees cards they are allowed to open.
	"""
	filters = _parse(filters)
	name = text_arg(name, _("Opportunity"))
	try:
		permitted = readable_condition()
	except frappe.PermissionError:
		return {"card": None, "matches": False}
	cards, _more = _cards(None, None, {}, permitted, names=[name])
	if not cards:
		return {"card": None, "matches": False}
	card = cards[0]
	matches = not pipeline or card["sales_pipeline"] == pipeline
	if matches and filters:
		matches = bool(_cards(pipeline, None, filters, permitted, names=[name])[0])
	return {"card": card, "matches": matches}


@frappe.whitelist(methods=["POST"])
def move_card(
	opportunity: str,
	to_stage: str,
	modified: str | None = None,
	before: str | None = None,
	after: str | None = None,
	lost_reasons: str | list | None = None,
	competitors: str | list | None = None,
	lost_detail: str | None = None,
	filters: str | dict | None = None,
) -> dict:
	"""Move a card to ``to_stage``, placed after the card ``after`` and before the card ``before``.

	The move saves the Opportunity, so the same rules as the form apply (stage requirements,
	Won/Lost status, stage history marked as done through the board). ``modified`` is the
	timestamp the board showed: a document changed since then is refused, never overwritten.
	Returns the updated card and the fresh totals of the columns it left and entered.
	"""
	filters = _parse(filters)
	shown = datetime_arg(modified, _("Modified"))
	if not shown:
		frappe.throw(
			_(
				"The board did not say which version of the card it showed. Reload the board and move it again."
			),
			title=_("Opportunity Board"),
		)
	check_opportunity(opportunity, "write")
	doc = frappe.get_doc("Opportunity", opportunity, for_update=True)
	doc.check_permission("write")
	_check_not_changed(doc, shown)

	pipeline = doc.sales_pipeline or get_default_pipeline()
	stages = get_stages(pipeline)
	target = find_stage(stages, text_arg(to_stage, _("Sales Stage")))
	if not target:
		frappe.throw(
			_("Sales Stage {0} is not part of the sales pipeline {1}.").format(
				bold(to_stage), bold(pipeline)
			),
			title=_("Sales Pipeline"),
		)
	from_stage = doc.sales_stage
	before, after = text_arg(before, _("Before")), text_arg(after, _("After"))
	set_board_rank(doc, _rank_for_drop(doc, pipeline, to_stage, above=after, below=before))

	if to_stage == from_stage:
		# a new place in the same column: only the order changes, the document stays as it was
		doc.db_set("board_rank", doc.board_rank, update_modified=False)
		frappe.publish_realtime(
			"list_update",
			{"doctype": "Opportunity", "name": doc.name, "user": frappe.session.user},
			after_commit=True,
		)
	else:
		if target.stage_type == LOST or target.require_lost_reasons:
			_set_lost_details(doc, target, lost_reasons, competitors, lost_detail)
		doc.sales_stage = to_stage
		set_move_context(doc, VIA_BOARD)
		doc.save()

	changed = [s for s in stages if s.sales_stage in {from_stage, to_stage}]
	return {
		"card": _card_of(doc, stages),
		"totals": _totals(pipeline, changed, filters, readable_condition()),
	}


@frappe.whitelist(methods=["POST"])
def quick_add(
	pipeline: str,
	stage: str,
	opportunity_from: str,
	party_name: str,
	title: str | None = None,
	opportunity_amount: float | None = None,
	expected_closing: str | None = None,
	company: str | None = None,
	filters: str | dict | None = None,
) -> dict:
	"""Create an opportunity straight into a column of the board; it comes first in that column."""
	frappe.has_permission("Opportunity", "create", throw=True)
	filters = _parse(filters)
	pipeline = _pipeline(pipeline)
	stages = get_stages(pipeline)
	try:
		check_quick_add(find_stage(stages, stage), stage, opportunity_from)
	except RuleError as e:
		frappe.throw(e.translated(_), title=_("Opportunity Board"))

	company = company or _default_company()
	currency = frappe.get_cached_value("Company", company, "default_currency") if company else None
	amount = flt(opportunity_amount)
	doc = frappe.get_doc(
		{
			"doctype": "Opportunity",
			"opportunity_from": opportunity_from,
			"party_name": party_name,
			"title": (title or "").strip() or None,
			"company": company,
			"currency": currency,
			"conversion_rate": 1,
			"opportunity_amount": amount,
			"base_opportunity_amount": amount,
			"expected_closing": getdate(expected_closing) if expected_closing else None,
			"sales_pipeline": pipeline,
			"sales_stage": stage,
		}
	)
	set_board_rank(doc, _top_rank(pipeline, stage))
	set_move_context(doc, VIA_BOARD)
	doc.insert()

	permitted = readable_condition()
	cards, _more = _cards(None, None, {}, permitted, names=[doc.name])
	return {
		"card": cards[0] if cards else None,
		"totals": _totals(pipeline, [find_stage(stages, stage)], filters, permitted),
	}


# ---------------------------------------------------------------------------------------- reads


def _pipelines(current: str) -> list[dict]:
	"""The pipelines the user may pick (Frappe's list, with their User Permissions); a follower
	with no access to the pipelines themselves sees just the one on screen."""
	fields = ["name", "pipeline_name", "is_default"]
	try:
		pipelines = frappe.get_list(
			"Sales Pipeline",
			filters={"disabled": 0},
			fields=fields,
			order_by="is_default desc, pipeline_name asc",
		)
	except frappe.PermissionError:
		frappe.clear_last_message()
		pipelines = []
	if not any(row.name == current for row in pipelines):
		pipelines.insert(0, frappe.db.get_value("Sales Pipeline", current, fields, as_dict=True))
	return pipelines


def _parse(filters) -> dict:
	try:
		return parse_filters(filters)
	except RuleError as e:
		frappe.throw(e.translated(_), title=_("Opportunity Board"))


def _pipeline(pipeline: str | None) -> str:
	pipeline = text_arg(pipeline, _("Sales Pipeline")) or get_default_pipeline()
	if not pipeline or not frappe.db.exists("Sales Pipeline", pipeline):
		frappe.throw(
			_("Sales pipeline {0} was not found.").format(bold(pipeline or "")), frappe.DoesNotExistError
		)
	return pipeline


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
		for column in SEARCH_COLUMNS:
			like = opp[column].like(condition.value)
			criterion = like if criterion is None else criterion | like
		return criterion
	if condition.field not in FILTER_COLUMNS or condition.operator not in COMPARISONS:
		frappe.throw(_("The board cannot filter by {0}.").format(bold(condition.field)))
	return getattr(opp[condition.field], COMPARISONS[condition.operator])(condition.value)


def _totals(pipeline: str, stages: list, filters: dict, permitted: Criterion | None) -> dict:
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


def _cards(
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
		_add_card_details(rows, stages)
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
	"""One page of a column, from the column query of this board and filters, built at most once per
	request: the next columns only change the value the stage is compared with."""
	key = (
		pipeline,
		frappe.as_json(filters, indent=None),
		permitted.get_sql() if permitted is not None else None,
		start,
		page_length,
	)
	cached = getattr(frappe.local, "opportunity_plus_column_query", None)
	if not cached or cached[0] != key:
		opp = frappe.qb.DocType("Opportunity")
		stage_value = opp.sales_stage.wrap_constant(stage)
		query = _page_query(pipeline, filters, permitted, stage_value, None, start, page_length)
		cached = frappe.local.opportunity_plus_column_query = (key, query, stage_value)
	_key, query, stage_value = cached
	stage_value.value = stage
	return query.run(as_dict=True)


class _Names(Term):
	"""A list of document names for ``IN``: each one a query parameter, as ``Field.isin`` makes them,
	without wrapping every name in a term of its own (a page of cards has hundreds)."""

	def __init__(self, names: list[str]):
		super().__init__()
		self.names = names

	def get_sql(self, param_wrapper=None, **kwargs) -> str:
		if param_wrapper is None:
			return "({})".format(",".join(frappe.db.escape(name) for name in self.names))
		return "({})".format(",".join(param_wrapper.get_sql(param_value=name) for name in self.names))


def _add_card_details(rows: list[dict], stages: list | None) -> None:
	"""Labels (with colours), follower count, stage flags; two child-table queries for all the rows."""
	if not rows:
		return
	names = _Names([row.name for row in rows])
	detail, label = frappe.qb.DocType("Opportunity Label Detail"), frappe.qb.DocType("Opportunity Label")
	label_rows = (
		frappe.qb.from_(detail)
		.left_join(label)
		.on(label.name == detail.label)
		.select(detail.parent, detail.label, label.color)
		.where(detail.parenttype == "Opportunity")
		.where(detail.parentfield == "opportunity_labels")
		.where(detail.parent.isin(names))
		.orderby(detail.idx)
		.run(as_dict=True)
	)
	colours = {r.label: r.color for r in label_rows}
	follower = frappe.qb.DocType("Opportunity Follower")
	followers = dict(
		frappe.qb.from_(follower)
		.select(follower.parent, Count(follower.name))
		.where(follower.parenttype == "Opportunity")
		.where(follower.parentfield == "opportunity_followers")
		.where(follower.parent.isin(names))
		.groupby(follower.parent)
		.run()
	)
	labels = {}
	for r in label_rows:
		labels.setdefault(r.parent, []).append(r.label)
	_complete_cards(rows, stages, labels, colours, followers)


def _complete_cards(rows: list[dict], stages: list | None, labels: dict, colours: dict, followers: dict):
	now = now_datetime()
	stage_cache = {}
	for row in rows:
		if row.sales_pipeline not in stage_cache:
			stage_cache[row.sales_pipeline] = (
				stages
				if stages is not None
				else (get_stages(row.sales_pipeline) if row.sales_pipeline else [])
			)
		_complete_card(
			row,
			labels.get(row.name, []),
			colours,
			followers.get(row.name),
			stage_cache[row.sales_pipeline],
			now,
		)


def _card_of(doc, stages: list) -> dict:
	"""The card of an opportunity just saved, made from the document itself: no query."""
	row = frappe._dict({field: doc.get(field) for field in CARD_FIELDS})
	labels = [detail.label for detail in doc.get("opportunity_labels") or []]
	colours = {label: frappe.get_cached_value("Opportunity Label", label, "color") for label in labels}
	followers = len(doc.get("opportunity_followers") or [])
	_complete_card(row, labels, colours, followers, stages, now_datetime())
	return row


def _complete_card(row, labels: list, colours: dict, followers, stages: list, now) -> None:
	"""Labels with their colours, follower count, weighted amount and stage flags of one card."""
	stage = find_stage(stages, row.sales_stage)
	row.labels = [{"label": label, "color": colours.get(label)} for label in labels]
	row.follower_count = cint(followers)
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


def _currency(filters: dict) -> str | None:
	company = filters.get("company") or _default_company()
	currency = frappe.get_cached_value("Company", company, "default_currency") if company else None
	return currency or frappe.db.get_default("currency")


def _default_company() -> str | None:
	return frappe.defaults.get_user_default("Company") or frappe.db.get_single_value(
		"Global Defaults", "default_company"
	)


# ---------------------------------------------------------------------------------------- moves


def _check_not_changed(doc, shown) -> None:
	"""Refuse a move made on an outdated card: someone else changed the opportunity since."""
	if get_datetime(shown) == get_datetime(doc.modified):
		return
	frappe.throw(
		_(
			"{0} was changed by {1} {2}, after your board showed it. Nothing was moved: the card now shows"
			" the latest version, check it and move it again."
		).format(
			bold(doc.title or doc.name),
			bold(frappe.utils.get_fullname(doc.modified_by)),
			pretty_date(doc.modified),  # safe-html: a relative date Frappe writes
		),
		frappe.TimestampMismatchError,
		title=_("Changed by Someone Else"),
	)


def _set_lost_details(doc, stage, lost_reasons, competitors, lost_detail) -> None:
	reasons = names_of(lost_reasons, "lost_reason")
	try:
		check_lost_move(stage, reasons)
	except RuleError as e:
		frappe.throw(e.translated(_), title=_("Lost Reasons"))
	doc.set("lost_reasons", [{"lost_reason": reason} for reason in reasons])
	doc.set("competitors", [{"competitor": name} for name in names_of(competitors, "competitor")])
	if lost_detail and lost_detail.strip():
		doc.order_lost_reason = lost_detail.strip()


def _column(pipeline: str, stage: str, exclude: str | None = None):
	opp = frappe.qb.DocType("Opportunity")
	query = frappe.qb.from_(opp).where(opp.sales_pipeline == pipeline).where(opp.sales_stage == stage)
	if exclude:
		query = query.where(opp.name != exclude)
	return query, opp


def _neighbour(name: str | None, pipeline: str, stage: str, exclude: str):
	if not name or name == exclude:
		return None
	query, opp = _column(pipeline, stage, exclude)
	rows = query.select(opp.name, opp.board_rank, opp.creation).where(opp.name == name).run(as_dict=True)
	return rows[0] if rows else None


def _rank_for_drop(doc, pipeline: str, stage: str, above: str | None, below: str | None) -> float:
	"""The board_rank that puts ``doc`` between the cards ``above`` and ``below`` of a column.

	Ranks are an ordering hint, not document data: when there is no room between the neighbours
	the cards from the top of the column down to ``above`` get fresh ranks (without touching their
	``modified``), in the same transaction as the move.
	"""
	above_row = _neighbour(above, pipeline, stage, doc.name)
	below_row = _neighbour(below, pipeline, stage, doc.name)
	if not above_row and not below_row:
		return flt(doc.board_rank) if doc.sales_stage == stage else _top_rank(pipeline, stage, doc.name)

	if above_row and not below_row:
		below_row = _successor(above_row, pipeline, stage, doc.name)
	rank = rank_between(
		flt(above_row.board_rank) if above_row else None, flt(below_row.board_rank) if below_row else None
	)
	if rank is not None:
		return rank

	# no room: renumber the top of the column down to the card above the drop place
	query, opp = _column(pipeline, stage, doc.name)
	rows = (
		query.select(opp.name)
		.orderby(opp.board_rank, order=Order.asc)
		.orderby(opp.creation, order=Order.desc)
		.limit(RENUMBER_LIMIT)
		.run(pluck=True)
	)
	if above_row.name not in rows:
		return flt(above_row.board_rank)
	prefix = rows[: rows.index(above_row.name) + 1]
	if not all(frappe.has_permission("Opportunity", "write", name) for name in prefix):
		# the column's order is shared: only a user who may change every card above renumbers it
		return flt(above_row.board_rank)
	ranks = ranks_above(len(prefix) + 1, flt(below_row.board_rank))
	for name, rank in zip(prefix, ranks, strict=False):
		frappe.db.set_value("Opportunity", name, "board_rank", rank, update_modified=False)
	return ranks[-1]


def _successor(row, pipeline: str, stage: str, exclude: str):
	"""The card right after ``row`` in the column's order (board_rank, then newest first)."""
	query, opp = _column(pipeline, stage, exclude)
	rank = flt(row.board_rank)
	rows = (
		query.select(opp.name, opp.board_rank, opp.creation)
		.where((opp.board_rank > rank) | ((opp.board_rank == rank) & (opp.creation < row.creation)))
		.orderby(opp.board_rank, order=Order.asc)
		.orderby(opp.creation, order=Order.desc)
		.limit(1)
		.run(as_dict=True)
	)
	return rows[0] if rows else None


def _top_rank(pipeline: str, stage: str, exclude: str | None = None) -> float:
	"""A rank that puts a card first in its column."""
	query, opp = _column(pipeline, stage, exclude)
	lowest = query.select(Min(opp.board_rank)).run()[0][0]
	return rank_between(None, flt(lowest)) if lowest is not None else 0.0
