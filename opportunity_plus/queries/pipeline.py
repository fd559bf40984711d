"""Reading sales pipelines from the database as plain rule objects."""

from urllib.parse import urlencode

import frappe
from frappe import _
from frappe.query_builder.functions import Count

from opportunity_plus.rules.pipeline import Stage


def stage_from_row(row) -> Stage:
	return Stage(
		sales_stage=row.sales_stage,
		stage_type=row.stage_type or "Open",
		probability=row.probability if row.probability is not None else None,
		color=row.color,
		stale_after_days=row.stale_after_days or 0,
		require_amount=bool(row.require_amount),
		require_submitted_quotation=bool(row.require_submitted_quotation),
		require_lost_reasons=bool(row.require_lost_reasons),
	)


def get_stages(pipeline: str) -> list[Stage]:
	"""Stages of a pipeline in order (cached with the pipeline document)."""
	doc = frappe.get_cached_doc("Sales Pipeline", pipeline)
	return [stage_from_row(row) for row in sorted(doc.stages, key=lambda r: r.idx)]


def get_default_pipeline() -> str | None:
	return frappe.db.get_value("Sales Pipeline", {"is_default": 1, "disabled": 0}, "name")


def set_default_pipeline(pipeline: str) -> None:
	"""Make ``pipeline`` the only default, in the pipelines and in the settings."""
	table = frappe.qb.DocType("Sales Pipeline")
	frappe.qb.update(table).set(table.is_default, 0).where(table.name != pipeline).where(
		table.is_default == 1
	).run()
	frappe.db.set_value("Sales Pipeline", pipeline, "is_default", 1, update_modified=False)
	frappe.db.set_single_value("Opportunity Plus Settings", "default_pipeline", pipeline)
	frappe.clear_document_cache("Sales Pipeline", pipeline)


def count_opportunities_by_stage(pipeline: str, stages: list[str] | None = None, open_only=False) -> dict:
	"""Number of opportunities of a pipeline per sales stage, counted in the database."""
	opp = frappe.qb.DocType("Opportunity")
	query = (
		frappe.qb.from_(opp)
		.select(opp.sales_stage, Count(opp.name).as_("count"))
		.where(opp.sales_pipeline == pipeline)
		.groupby(opp.sales_stage)
	)
	if stages is not None:
		if not stages:
			return {}
		query = query.where(opp.sales_stage.isin(stages))
	if open_only:
		query = query.where(opp.status.notin(["Converted", "Lost", "Closed"]))
	return {row[0]: row[1] for row in query.run()}


def opportunity_list_link(label: str, **filters) -> str:
	"""An HTML link to the Opportunity list filtered as given."""
	query = urlencode({key: value for key, value in filters.items() if value})
	return f'<a href="/app/opportunity?{query}">{frappe.utils.escape_html(label)}</a>'


def describe_usage(pipeline: str, counts: dict) -> str:
	"""'3 opportunities in Qualification, 1 in Won' with links to the filtered list."""
	parts = []
	for stage, count in counts.items():
		label = _("{0} in {1}").format(count, _(stage))  # safe-html: escaped by opportunity_list_link
		parts.append(opportunity_list_link(label, sales_pipeline=pipeline, sales_stage=stage))
	return ", ".join(parts)
