"""Permissions the app adds to ERPNext's doctypes, and takes back on uninstall.

A salesperson picks the stage of an opportunity: ERPNext lets only Sales Managers read Sales Stage,
so the desk refuses a Sales User's choice of stage ("Not permitted"). The app gives Sales User the
*Select* right on Sales Stage (enough to pick one in a link field, nothing else), through Frappe's
own Custom DocPerm, and remembers that it did so.
"""

import frappe
from frappe.permissions import add_permission, update_permission_property

GRANTS = [("Sales Stage", "Sales User", "select")]
GRANTED_KEY = "opportunity_plus_granted_permissions"


def grant_permissions() -> None:
	granted = set(frappe.parse_json(frappe.db.get_default(GRANTED_KEY) or "[]"))
	for doctype, role, right in GRANTS:
		key = f"{doctype}|{role}|{right}"
		if frappe.db.exists(
			"Custom DocPerm", {"parent": doctype, "role": role, "permlevel": 0, "if_owner": 0}
		):
			continue  # the site already has a rule for this role: the admin's choice stands
		add_permission(doctype, role, 0, right)
		update_permission_property(doctype, role, 0, "read", 0)
		update_permission_property(doctype, role, 0, right, 1)
		granted.add(key)
	frappe.db.set_default(GRANTED_KEY, frappe.as_json(sorted(granted)))


def revoke_permissions() -> None:
	for key in frappe.parse_json(frappe.db.get_default(GRANTED_KEY) or "[]"):
		doctype, role, _right = key.split("|")
		frappe.db.delete("Custom DocPerm", {"parent": doctype, "role": role, "permlevel": 0, "if_owner": 0})
		frappe.clear_cache(doctype=doctype)
	frappe.db.set_default(GRANTED_KEY, None)
