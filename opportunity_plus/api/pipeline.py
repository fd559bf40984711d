"""Whitelisted methods about sales pipelines."""

import frappe
from frappe import _

from opportunity_plus.arguments import int_arg, json_arg, text_arg
from opportunity_plus.queries.pipeline import get_stages
from opportunity_plus.rules import RuleError
from opportunity_plus.rules.opportunity_code import example


@frappe.whitelist()
def stage_query(
	doctype: str,
	txt: str | None = None,
	searchfield: str | None = None,
	start: int = 0,
	page_len: int = 20,
	filters: str | dict | None = None,
) -> list:
	"""Link search for Opportunity.sales_stage: only the stages of the chosen pipeline, in order.

	(Frappe's ``validate_and_sanitize_search_inputs`` is not used: ``searchfield`` is not read, and
	every argument is checked here.)"""
	filters = json_arg(filters, dict, _("Filters")) or {}
	pipeline = text_arg(filters.get("sales_pipeline"), _("Sales Pipeline"))
	start = int_arg(start or 0, _("Start"), 0, 10_000)
	page_len = int_arg(page_len or 20, _("Page Length"), 1, 500)
	if not pipeline or not frappe.db.exists("Sales Pipeline", pipeline):
		return []
	if not frappe.has_permission("Sales Pipeline", "read", pipeline):
		return []
	txt = (text_arg(txt, _("Search")) or "").lower()
	stages = [stage for stage in get_stages(pipeline) if txt in stage.sales_stage.lower()]
	return [(stage.sales_stage, _(stage.stage_type)) for stage in stages][start : start + page_len]


@frappe.whitelist()
def preview_code(template: str, counter_start: int = 1) -> dict:
	"""An example opportunity code for the settings form, or the reason the template is refused."""
	frappe.has_permission("Opportunity Plus Settings", "read", throw=True)
	template = text_arg(template, _("Code Template"))
	counter_start = int_arg(counter_start or 1, _("Counter Start"), 1, 10**12)
	try:
		return {"example": example(template or "", counter_start)}
	except RuleError as e:
		return {"error": e.translated(_)}
