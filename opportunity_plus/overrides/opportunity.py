"""doc_events of ERPNext's Opportunity: thin adapters around the rules."""

import frappe
from frappe import _
from frappe.utils import cint, flt, now_datetime

from opportunity_plus.messages import bold
from opportunity_plus.overrides.card_summary import set_card_summary
from opportunity_plus.overrides.followers import check_follower_changes, sync_followers
from opportunity_plus.overrides.move_context import move_context, plan_stage_change
from opportunity_plus.overrides.opportunity_code import set_code
from opportunity_plus.overrides.server_fields import keep_server_fields
from opportunity_plus.overrides.stage_history import (
	get_history,
	last_move,
	record_stage_change,
	seconds_between,
)
from opportunity_plus.overrides.stage_keys import keep_opportunity_key
from opportunity_plus.overrides.stays_by_stage import follow_opportunity
from opportunity_plus.queries.pipeline import get_default_pipeline, get_stages
from opportunity_plus.rules import RuleError
from opportunity_plus.rules.pipeline import LOST, find_stage
from opportunity_plus.rules.stage_move import (
	CLOSED_STATUSES,
	OpportunityState,
	StageChange,
	first_of_each,
	plan_save,
)
from opportunity_plus.win_prediction.scoring import update_prediction


def onload(doc, method=None):
	"""Tell the form about the pipeline's stages and whether the code is editable."""
	pipeline = doc.get("sales_pipeline") or get_default_pipeline()
	doc.set_onload(
		"opportunity_plus",
		{
			"allow_code_edit": bool(
				frappe.db.get_single_value("Opportunity Plus Settings", "allow_code_edit")
			),
			"stages": [stage.__dict__ for stage in get_stages(pipeline)] if pipeline else [],
			"history": [] if doc.is_new() else get_history(doc.name),
		},
	)


def validate(doc, method=None):
	keep_server_fields(doc)
	keep_opportunity_key(doc)
	set_card_summary(doc)
	check_follower_changes(doc)
	apply_pipeline(doc)
	set_code(doc)
	set_base_amount(doc)
	drop_repeated_lost_details(doc)


def drop_repeated_lost_details(doc) -> None:
	"""A lost reason or competitor listed twice is kept once (the analysis counts each once)."""
	for table, field in (("lost_reasons", "lost_reason"), ("competitors", "competitor")):
		rows = doc.get(table) or []
		kept = first_of_each(rows, field)
		if len(kept) < len(rows):
			for idx, row in enumerate(kept, start=1):
				row.idx = idx
			doc.set(table, kept)


def set_base_amount(doc) -> None:
	"""ERPNext computes the company-currency amount only in the browser; imports and the API need it too."""
	doc.base_opportunity_amount = flt(doc.opportunity_amount) * flt(doc.conversion_rate or 1)


def on_trash(doc, method=None):
	"""The stage history, its stays and the reminder log belong to the opportunity and go with it."""
	frappe.db.delete("Opportunity Stage History", {"opportunity": doc.name})
	frappe.db.delete("Opportunity Stage Stay", {"opportunity": doc.name})
	frappe.db.delete("Opportunity Reminder Log", {"opportunity": doc.name})


def on_update(doc, method=None):
	record_stage_change(doc)
	follow_opportunity(doc)
	sync_followers(doc)
	update_prediction(doc)


def has_submitted_quotation(opportunity: str | None) -> bool:
	if not opportunity:
		return False
	return bool(frappe.db.exists("Quotation", {"opportunity": opportunity, "docstatus": 1}))


def has_active_quotation(opportunity: str | None) -> bool:
	"""A submitted quotation that is neither lost nor closed (as ERPNext's own Declare Lost checks)."""
	if not opportunity:
		return False
	return bool(
		frappe.db.exists(
			"Quotation",
			{"opportunity": opportunity, "docstatus": 1, "status": ("not in", ["Lost", "Closed"])},
		)
	)


def state_of(doc, with_quotation: bool, entering_lost: bool = False) -> OpportunityState:
	return OpportunityState(
		pipeline=doc.get("sales_pipeline"),
		stage=doc.get("sales_stage"),
		status=doc.get("status") or "Open",
		probability=doc.get("probability"),
		amount=doc.get("opportunity_amount") or 0,
		lost_reason_count=len(doc.get("lost_reasons") or []),
		has_submitted_quotation=with_quotation
		and has_submitted_quotation(doc.name if not doc.is_new() else None),
		has_active_quotation=entering_lost and has_active_quotation(doc.name if not doc.is_new() else None),
	)


def apply_pipeline(doc) -> None:
	"""Default the pipeline and stage, check the move, and set status, probability and stage time."""
	before = None if doc.is_new() else doc.get_doc_before_save()
	pipeline = doc.get("sales_pipeline") or get_default_pipeline()
	if not pipeline:
		return  # no pipeline configured at all: leave ERPNext's behaviour untouched

	if frappe.get_cached_value("Sales Pipeline", pipeline, "disabled") and (
		not before or before.get("sales_pipeline") != pipeline
	):
		frappe.throw(_("Sales pipeline {0} is disabled.").format(bold(pipeline)), title=_("Sales Pipeline"))

	stages = get_stages(pipeline)
	needs_quotation = any(stage.require_submitted_quotation for stage in stages)
	target = find_stage(stages, doc.get("sales_stage"))
	entering_lost = bool(
		target and target.stage_type == LOST and (not before or before.sales_stage != target.sales_stage)
	)
	try:
		plan = plan_save(
			stages,
			pipeline,
			state_of(doc, needs_quotation, entering_lost),
			state_of(before, False) if before else None,
			reopen_stage=reopen_stage(doc, before),
			enforce_requirements=not move_context(doc).skip_requirements,
		)
	except RuleError as e:
		frappe.throw(e.translated(_), title=_("Sales Pipeline"))

	doc.sales_pipeline = plan.pipeline
	doc.sales_stage = plan.stage
	doc.status = plan.status
	doc.probability = plan.probability
	if plan.status in CLOSED_STATUSES and (not before or before.status not in CLOSED_STATUSES):
		# what was expected just before it closed, for the win prediction's backtest
		doc.probability_at_close = str(flt(before.probability)) if before else None
	left_entered_on = before.get("stage_entered_on") if before else None
	if plan.stage_changed or not doc.get("stage_entered_on"):
		doc.stage_entered_on = now_datetime()
	if plan.stage_changed:
		seconds = seconds_between(left_entered_on, doc.stage_entered_on) if left_entered_on else None
		if seconds is not None:  # a completed stay: the report's time in stage reads these totals
			doc.stage_stay_seconds = cint(doc.get("stage_stay_seconds")) + seconds
			doc.stage_stays = cint(doc.get("stage_stays")) + 1
		plan_stage_change(doc, StageChange(plan.previous_stage, plan.stage, left_entered_on, seconds))


def reopen_stage(doc, before) -> str | None:
	"""When ERPNext reopens a closed opportunity, the stage it was in before it closed."""
	if not before or before.status not in CLOSED_STATUSES or doc.status in CLOSED_STATUSES:
		return None
	move = last_move(doc.name, to_stage=before.sales_stage)
	return move.from_stage if move else None
