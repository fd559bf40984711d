"""The Connections of an opportunity: ERPNext's, plus what the app links back to it.

The stage history has its own table on the same tab, so it is not repeated as a connection.
"""

from frappe import _


def get_dashboard_data(data):
	data = data or {}
	data.setdefault("fieldname", "opportunity")
	known = {item for group in data.get("transactions", []) for item in group.get("items", [])}
	for label, items in (
		(_("Sales"), ["Sales Order", "Contract"]),
		(_("Support and Projects"), ["Issue", "Project", "Task"]),
	):
		items = [item for item in items if item not in known]
		if items:
			data.setdefault("transactions", []).append({"label": label, "items": items})
	return data
