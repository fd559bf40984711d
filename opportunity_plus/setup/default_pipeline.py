"""The ready-made pipeline a new site starts with, built on ERPNext's default sales stages."""

import json

import frappe
from frappe.query_builder.functions import Coalesce

from opportunity_plus.queries.pipeline import set_default_pipeline

DEFAULT_PIPELINE = "Main Pipeline"
CREATED_STAGES_KEY = "opportunity_plus_created_sales_stages"

# (sales stage, type, probability, colour, stale after days, extra requirements)
DEFAULT_STAGES = [
	("Prospecting", "Open", 10, "#7C8A9A", 14, {}),
	("Qualification", "Open", 20, "#5E64FF", 14, {}),
	("Needs Analysis", "Open", 30, "#2490EF", 21, {}),
	("Value Proposition", "Open", 40, "#1AA3C1", 21, {}),
	("Identifying Decision Makers", "Open", 50, "#18A999", 21, {}),
	("Perception Analysis", "Open", 60, "#7CB342", 21, {}),
	("Proposal/Price Quote", "Open", 70, "#ECAD4B", 14, {"require_amount": 1}),
	("Negotiation/Review", "Open", 80, "#F08A24", 14, {"require_amount": 1}),
	("Won", "Won", 100, "#28A745", 0, {}),
	("Lost", "Lost", 0, "#E24C4C", 0, {"require_lost_reasons": 1}),
]
QUOTATION_STAGE = "Proposal/Price Quote"


def ensure_sales_stages() -> None:
	"""Create the native Sales Stages the default pipeline needs; remember which were ours."""
	created = get_created_sales_stages()
	for stage_name, *_rest in DEFAULT_STAGES:
		if not frappe.db.exists("Sales Stage", stage_name):
			frappe.get_doc({"doctype": "Sales Stage", "stage_name": stage_name}).insert(
				ignore_permissions=True
			)
			created.append(stage_name)
	frappe.db.set_default(CREATED_STAGES_KEY, json.dumps(sorted(set(created))))


def get_created_sales_stages() -> list[str]:
	return json.loads(frappe.db.get_default(CREATED_STAGES_KEY) or "[]")


def make_default_pipeline() -> None:
	"""Create the default pipeline once, when the site has no pipeline at all."""
	if frappe.db.count("Sales Pipeline"):
		return
	ensure_sales_stages()
	pipeline = frappe.get_doc(
		{
			"doctype": "Sales Pipeline",
			"pipeline_name": DEFAULT_PIPELINE,
			"abbreviation": "MAIN",
			"is_default": 1,
			"quotation_stage": QUOTATION_STAGE,
			"stages": [
				{
					"sales_stage": stage,
					"stage_type": stage_type,
					"probability": probability,
					"color": color,
					"stale_after_days": stale,
					**requirements,
				}
				for stage, stage_type, probability, color, stale, requirements in DEFAULT_STAGES
			],
		}
	).insert(ignore_permissions=True)
	set_default_pipeline(pipeline.name)


def adopt_existing_opportunities() -> None:
	"""Put opportunities made before the app into the default pipeline, in bulk.

	Stages they use that the pipeline lacks are added to it as Open stages, before Won.
	"""
	pipeline_name = frappe.db.get_value("Sales Pipeline", {"is_default": 1}, "name")
	if not pipeline_name:
		return
	opp = frappe.qb.DocType("Opportunity")
	used = {
		row[0]
		for row in frappe.qb.from_(opp)
		.select(opp.sales_stage)
		.distinct()
		.where(opp.sales_pipeline.isnull() & opp.sales_stage.isnotnull())
		.run()
	}
	pipeline = frappe.get_doc("Sales Pipeline", pipeline_name)
	missing = sorted(used - {row.sales_stage for row in pipeline.stages})
	if missing:
		open_rows = [row for row in pipeline.stages if row.stage_type == "Open"]
		closed_rows = [row for row in pipeline.stages if row.stage_type != "Open"]
		pipeline.stages = []
		for row in open_rows:
			pipeline.append("stages", row.as_dict(no_default_fields=True))
		for stage in missing:
			pipeline.append("stages", {"sales_stage": stage, "stage_type": "Open"})
		for row in closed_rows:
			pipeline.append("stages", row.as_dict(no_default_fields=True))
		pipeline.save(ignore_permissions=True)

	# ERPNext computes the company-currency amount only in the browser; fill it where it is missing
	(
		frappe.qb.update(opp)
		.set(opp.base_opportunity_amount, opp.opportunity_amount * Coalesce(opp.conversion_rate, 1))
		.where((opp.base_opportunity_amount == 0) & (opp.opportunity_amount != 0))
		.run()
	)
	first = pipeline.stages[0].sales_stage
	(
		frappe.qb.update(opp)
		.set(opp.sales_pipeline, pipeline_name)
		.set(opp.sales_stage, Coalesce(opp.sales_stage, first))
		.set(opp.stage_entered_on, Coalesce(opp.stage_entered_on, opp.modified))
		.where(opp.sales_pipeline.isnull())
		.run()
	)
