"""What a new opportunity starts with, for the form to show before the first save.

The values come from the same rules the server applies when the opportunity is saved
(``rules.stage_move.plan_save`` on the default pipeline of ``opportunity.pipelines``), so the new form
shows what the saved opportunity will be, not a second copy of the rules in JavaScript.
"""

import frappe
from frappe import _

from opportunity_plus.arguments import text_arg
from opportunity_plus.messages import bold
from opportunity_plus.queries.pipeline import get_default_pipeline, get_stages
from opportunity_plus.rules import RuleError
from opportunity_plus.rules.stage_move import OpportunityState, plan_save


def default_owner() -> str:
	"""The person creating an opportunity is its owner ("Người phụ trách") until someone else is chosen."""
	return frappe.session.user


@frappe.whitelist()
def get_defaults(sales_pipeline: str | None = None) -> dict:
	"""Pipeline, first stage, its probability, the pipeline's stages and the owner of a new opportunity.

	``sales_pipeline``: the pipeline the user chose; empty for the default pipeline. The caller must
	be allowed to create opportunities and to read the pipeline."""
	frappe.has_permission("Opportunity", "create", throw=True)
	requested = text_arg(sales_pipeline, _("Sales Pipeline"))
	defaults = {
		"opportunity_owner": default_owner(),
		"sales_pipeline": None,
		"sales_stage": None,
		"probability": None,
		"stages": [],
	}
	pipeline = requested or get_default_pipeline()
	if not pipeline:
		return defaults
	if not (
		frappe.db.exists("Sales Pipeline", pipeline)
		and frappe.has_permission("Sales Pipeline", "read", pipeline)
	):
		if requested:
			frappe.throw(
				_("Sales pipeline {0} was not found, or you may not use it.").format(bold(requested)),
				frappe.PermissionError,
				title=_("Not Permitted"),
			)
		return defaults  # the default pipeline is not one this user may use: the form stays empty

	stages = get_stages(pipeline)
	defaults["sales_pipeline"] = pipeline
	defaults["stages"] = [
		{
			"sales_stage": stage.sales_stage,
			"stage_type": stage.stage_type,
			"probability": stage.probability,
			"color": stage.color,
		}
		for stage in stages
	]
	if not stages:
		return defaults
	try:
		plan = plan_save(
			stages, pipeline, OpportunityState(pipeline=pipeline), None, enforce_requirements=False
		)
	except RuleError:
		return defaults  # the save will tell why
	defaults["sales_stage"] = plan.stage
	defaults["probability"] = plan.probability
	return defaults
