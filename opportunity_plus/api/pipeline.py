"""Whitelisted methods about sales pipelines."""

import frappe
from frappe import _

from opportunity_plus.opportunity.pipelines import get_stages
from opportunity_plus.rules import RuleError
from opportunity_plus.rules.opportunity_code import example


@frappe.whitelist()
@frappe.validate_and_sanitize_search_inputs
def stage_query(doctype: str, txt: str, searchfield: str, start: int, page_len: int, filters: dict):
	"""Link search for Opportunity.sales_stage: only the stages of the chosen pipeline, in order."""
	pipeline = (filters or {}).get("sales_pipeline")
	if not pipeline or not frappe.has_permission("Sales Pipeline", "read", pipeline):
		return []
	txt = (txt or "").lower()
	stages = [stage for stage in get_stages(pipeline) if txt in stage.sales_stage.lower()]
	return [(stage.sales_stage, _(stage.stage_type)) for stage in stages][start : start + page_len]


@frappe.whitelist()
def preview_code(template: str, counter_start: int = 1) -> dict:
	"""An example opportunity code for the settings form, or the reason the template is refused."""
	frappe.has_permission("Opportunity Plus Settings", "read", throw=True)
	try:
		return {"example": example(template, int(counter_start or 1))}
	except RuleError as e:
		return {"error": e.translated(_)}
