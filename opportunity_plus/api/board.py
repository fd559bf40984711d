"""Whitelisted methods of the Opportunity Board page.

Reading cards and column totals is ``opportunity_plus.queries.board`` (permission-aware, paged,
aggregated in the database); where a dropped card goes in its column is
``opportunity_plus.overrides.board_rank``; the board's rules (filters, ranks, flags) are
``opportunity_plus.rules.board``.
"""

import frappe
from frappe import _
from frappe.utils import flt, get_datetime, getdate, pretty_date

from opportunity_plus.arguments import datetime_arg, text_arg
from opportunity_plus.messages import bold
from opportunity_plus.overrides.board_rank import rank_for_drop, top_rank
from opportunity_plus.overrides.move_context import set_move_context
from opportunity_plus.overrides.server_fields import set_board_rank
from opportunity_plus.queries.access import check_opportunity
from opportunity_plus.queries.board import add_card_details, card_of_document, cards_of, column_totals_of
from opportunity_plus.queries.pipeline import get_default_pipeline, get_stages
from opportunity_plus.queries.read_permission import readable_condition
from opportunity_plus.rules import RuleError
from opportunity_plus.rules.board import (
	DEFAULT_PAGE_LENGTH,
	check_lost_move,
	check_quick_add,
	names_of,
	page_bounds,
	parse_filters,
	stage_view,
)
from opportunity_plus.rules.pipeline import LOST, find_stage
from opportunity_plus.rules.stage_move import VIA_BOARD


@frappe.whitelist()
@frappe.read_only()
def get_board(pipeline: str | None = None, filters: str | dict | None = None) -> dict:
	"""Pipeline and stages, per-column totals and the first page of every column."""
	filters = _parse(filters)
	pipeline = _pipeline(pipeline)
	permitted = readable_condition()
	stages = get_stages(pipeline)
	totals = column_totals_of(pipeline, stages, filters, permitted)
	columns = []
	for stage in stages:
		cards, has_more = cards_of(
			pipeline, stages, filters, permitted, stage=stage.sales_stage, details=False
		)
		columns.append(
			{**stage_view(stage), **totals[stage.sales_stage], "cards": cards, "has_more": has_more}
		)
	add_card_details([card for column in columns for card in column["cards"]], stages)
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
	cards, has_more = cards_of(
		pipeline, stages, filters, readable_condition(), stage=stage, start=start, page_length=page_length
	)
	return {"cards": cards, "has_more": has_more}


@frappe.whitelist()
@frappe.read_only()
def get_totals(pipeline: str, filters: str | dict | None = None) -> dict:
	"""Count, amount and weighted amount of every column (one aggregate query)."""
	filters = _parse(filters)
	pipeline = _pipeline(pipeline)
	return column_totals_of(pipeline, get_stages(pipeline), filters, readable_condition())


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
	cards, _more = cards_of(None, None, {}, permitted, names=[name])
	if not cards:
		return {"card": None, "matches": False}
	card = cards[0]
	matches = not pipeline or card["sales_pipeline"] == pipeline
	if matches and filters:
		matches = bool(cards_of(pipeline, None, filters, permitted, names=[name])[0])
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
	set_board_rank(doc, rank_for_drop(doc, pipeline, to_stage, above=after, below=before))

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
		"card": card_of_document(doc, stages),
		"totals": column_totals_of(pipeline, changed, filters, readable_condition()),
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
	set_board_rank(doc, top_rank(pipeline, stage))
	set_move_context(doc, VIA_BOARD)
	doc.insert()

	permitted = readable_condition()
	cards, _more = cards_of(None, None, {}, permitted, names=[doc.name])
	return {
		"card": cards[0] if cards else None,
		"totals": column_totals_of(pipeline, [find_stage(stages, stage)], filters, permitted),
	}


# ------------------------------------------------------------------------------------- helpers


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
	if pipeline:
		try:
			# the cached document get_stages reads next: no query of its own on the board's hot path
			return frappe.get_cached_doc("Sales Pipeline", pipeline).name
		except frappe.DoesNotExistError:
			frappe.clear_last_message()
	frappe.throw(
		_("Sales pipeline {0} was not found.").format(bold(pipeline or "")), frappe.DoesNotExistError
	)


def _currency(filters: dict) -> str | None:
	company = filters.get("company") or _default_company()
	currency = frappe.get_cached_value("Company", company, "default_currency") if company else None
	return currency or frappe.db.get_default("currency")


def _default_company() -> str | None:
	return frappe.defaults.get_user_default("Company") or frappe.db.get_single_value(
		"Global Defaults", "default_company"
	)


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
