"""Permission hooks: stage history is readable exactly where its opportunity is."""

import frappe
import frappe.share


def stage_history_query_conditions(user: str | None = None) -> str:
	"""SQL condition for lists of Opportunity Stage History: only rows of readable opportunities."""
	user = user or frappe.session.user
	if user == "Administrator":
		return ""
	if frappe.only_has_select_perm("Opportunity", user=user):
		# "Select" is for picking an opportunity in a link field, not for reading it
		shared = frappe.share.get_shared("Opportunity", user, rights=["read"])
		if not shared:
			return "1=0"
		names = ", ".join(frappe.db.escape(name) for name in shared)
		return f"`tabOpportunity Stage History`.`opportunity` in ({names})"
	try:
		readable = frappe.get_list("Opportunity", fields=["name"], user=user, run=0, order_by=None)
	except frappe.PermissionError:
		return "1=0"
	return f"`tabOpportunity Stage History`.`opportunity` in ({readable})"


def stage_history_has_permission(doc, ptype=None, user=None) -> bool:
	# Frappe collects the reasons of a refusal to show them; the opportunity behind a history row
	# (its name, its pipeline) is not the user's to learn, so its check adds none of them
	logs = frappe.flags.get("has_permission_check_logs")
	frappe.flags.has_permission_check_logs = None
	try:
		return bool(frappe.has_permission("Opportunity", "read", doc.opportunity, user=user))
	finally:
		frappe.flags.has_permission_check_logs = logs
