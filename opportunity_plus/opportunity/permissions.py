"""Permission hooks: stage history is readable exactly where its opportunity is."""

import frappe


def stage_history_query_conditions(user: str | None = None) -> str:
	"""SQL condition for lists of Opportunity Stage History: only rows of readable opportunities."""
	user = user or frappe.session.user
	if user == "Administrator":
		return ""
	try:
		readable = frappe.get_list("Opportunity", fields=["name"], user=user, run=0, order_by=None)
	except frappe.PermissionError:
		return "1=0"
	return f"`tabOpportunity Stage History`.`opportunity` in ({readable})"


def stage_history_has_permission(doc, ptype=None, user=None) -> bool:
	return bool(frappe.has_permission("Opportunity", "read", doc.opportunity, user=user))
