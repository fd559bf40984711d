"""Conditions on an opportunity's labels (its ``opportunity_labels`` rows)."""

import frappe
from pypika.terms import Criterion


def has_any_label(labels: list[str]) -> Criterion:
	"""``tabOpportunity.name`` is one of the opportunities carrying any of ``labels``."""
	detail = frappe.qb.DocType("Opportunity Label Detail")
	labelled = (
		frappe.qb.from_(detail)
		.select(detail.parent)
		.where(detail.parenttype == "Opportunity")
		.where(detail.parentfield == "opportunity_labels")
		.where(detail.label.isin(labels))
	)
	return frappe.qb.DocType("Opportunity").name.isin(labelled)
