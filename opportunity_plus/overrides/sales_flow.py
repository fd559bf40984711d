"""doc_events of Quotation and Sales Order: the pipeline follows ERPNext's sales flow.

ERPNext already keeps Opportunity.status in step (Quotation, Converted, Lost). These adapters
move the stage too, through a normal save of the opportunity so the same rules apply and the
stage history records the move with the document that caused it.
"""

import frappe

from opportunity_plus.overrides.move_context import set_move_context
from opportunity_plus.overrides.stage_history import last_move
from opportunity_plus.queries.pipeline import get_stages
from opportunity_plus.rules import sales_flow


def quotation_opportunities(quotation) -> set[str]:
	names = {quotation.get("opportunity")}
	names |= {
		row.prevdoc_docname
		for row in quotation.get("items") or []
		if row.get("prevdoc_doctype") == "Opportunity" and row.get("prevdoc_docname")
	}
	return {name for name in names if name and frappe.db.exists("Opportunity", name)}


def order_opportunities(order) -> set[str]:
	"""The opportunity an order was made for: directly, or through the quotations it was made from."""
	names = {order.get("opportunity")}
	quotations = {row.prevdoc_docname for row in order.get("items") or [] if row.get("prevdoc_docname")}
	if quotations:
		names |= set(
			frappe.get_all(
				"Quotation", {"name": ("in", list(quotations))}, pluck="opportunity", distinct=True
			)
		)
	return {name for name in names if name and frappe.db.exists("Opportunity", name)}


def move(opportunity, stage: str | None, reference, **changes) -> None:
	"""Save the opportunity (a name or a loaded document) in ``stage``, caused by ``reference``."""
	if not stage:
		return
	doc = opportunity if not isinstance(opportunity, str) else frappe.get_doc("Opportunity", opportunity)
	if doc.sales_stage == stage and not changes:
		return
	doc.sales_stage = stage
	doc.update(changes)
	set_move_context(doc, via=reference.doctype, reference=reference, skip_requirements=True)
	# the user acted on the quotation or order; the opportunity follows as a consequence. Which
	# opportunities a document may move (the user's own to edit, of the same party) is checked when it
	# is saved and submitted, in linked_documents.py
	doc.flags.ignore_permissions = True
	doc.save()


def in_pipelines(opportunities: set[str]):
	"""(name, current stage, pipeline stages, quotation stage) of each opportunity that has a pipeline."""
	for opportunity in opportunities:
		doc = frappe.db.get_value("Opportunity", opportunity, ["sales_pipeline", "sales_stage"], as_dict=True)
		if doc and doc.sales_pipeline:
			quotation_stage = frappe.get_cached_value("Sales Pipeline", doc.sales_pipeline, "quotation_stage")
			yield opportunity, doc.sales_stage, get_stages(doc.sales_pipeline), quotation_stage


def other_active_quotation(opportunity: str, quotation: str) -> bool:
	return bool(
		frappe.db.exists(
			"Quotation",
			{
				"opportunity": opportunity,
				"name": ("!=", quotation),
				"docstatus": 1,
				"status": ("not in", ["Lost", "Closed"]),
			},
		)
	)


def other_submitted_order(opportunity: str, order: str) -> bool:
	return bool(
		frappe.db.exists("Sales Order", {"opportunity": opportunity, "name": ("!=", order), "docstatus": 1})
	)


# Quotation


def quotation_on_submit(quotation, method=None):
	for opportunity, current, stages, quotation_stage in in_pipelines(quotation_opportunities(quotation)):
		move(opportunity, sales_flow.after_quotation_submitted(stages, current, quotation_stage), quotation)


def quotation_on_cancel(quotation, method=None):
	for opportunity, current, stages, _quotation_stage in in_pipelines(quotation_opportunities(quotation)):
		moved = last_move(opportunity, reference_doctype="Quotation", reference_name=quotation.name)
		target = sales_flow.after_quotation_cancelled(
			stages,
			current,
			moved.from_stage if moved else None,
			moved.to_stage if moved else None,
			other_active_quotation(opportunity, quotation.name),
		)
		move(opportunity, target, quotation)


def quotation_on_update_after_submit(quotation, method=None):
	"""Declared lost on the quotation: carry reasons and competitors over, and lose the opportunity."""
	if quotation.status != "Lost":
		return
	reasons = [row.lost_reason for row in quotation.get("lost_reasons") or []]
	competitors = [row.competitor for row in quotation.get("competitors") or []]
	for opportunity, current, stages, _quotation_stage in in_pipelines(quotation_opportunities(quotation)):
		target = sales_flow.after_quotation_lost(
			stages, current, other_active_quotation(opportunity, quotation.name)
		)
		if not target:
			continue
		opp = frappe.get_doc("Opportunity", opportunity)
		move(
			opp,
			target,
			quotation,
			status="Lost",
			lost_reasons=[
				{"lost_reason": ensure_opportunity_lost_reason(name)}
				for name in sales_flow.merge_names([row.lost_reason for row in opp.lost_reasons], reasons)
			],
			competitors=[
				{"competitor": name}
				for name in sales_flow.merge_names([row.competitor for row in opp.competitors], competitors)
			],
			order_lost_reason=quotation.order_lost_reason or opp.order_lost_reason,
		)


def ensure_opportunity_lost_reason(name: str) -> str:
	"""Quotation and Opportunity keep separate lost-reason masters; mirror the name when needed."""
	if not frappe.db.exists("Opportunity Lost Reason", name):
		frappe.get_doc({"doctype": "Opportunity Lost Reason", "lost_reason": name}).insert(
			ignore_permissions=True
		)
	return name


# Sales Order


def sales_order_validate(order, method=None):
	"""Link an order made from a quotation back to the quotation's opportunity (Connections)."""
	if not order.get("opportunity"):
		found = order_opportunities(order)
		if len(found) == 1:
			order.opportunity = found.pop()


def sales_order_on_submit(order, method=None):
	for opportunity, current, stages, _quotation_stage in in_pipelines(order_opportunities(order)):
		move(opportunity, sales_flow.after_order_submitted(stages, current), order)


def sales_order_on_cancel(order, method=None):
	for opportunity, current, stages, _quotation_stage in in_pipelines(order_opportunities(order)):
		moved = last_move(opportunity, reference_doctype="Sales Order", reference_name=order.name)
		target = sales_flow.after_order_cancelled(
			stages,
			current,
			moved.from_stage if moved else None,
			other_submitted_order(opportunity, order.name),
		)
		move(opportunity, target, order)
