"""Whether the current user may read or change one opportunity named in a request.

Checked before the opportunity is locked or loaded. A name that does not exist gets the same answer
as one the user may not read or change, so no endpoint tells whether an opportunity exists."""

import frappe
from frappe import _

from opportunity_plus.arguments import text_arg
from opportunity_plus.messages import bold


def check_opportunity(name, ptype: str = "read", refusal: str | None = None) -> str:
	"""The opportunity's name, if the user has ``ptype`` on it; else a PermissionError (403) whose
	message is ``refusal`` (translated, with ``{0}`` for the name) or the default one."""
	name = text_arg(name, _("Opportunity"))
	if name and frappe.db.exists("Opportunity", name) and frappe.has_permission("Opportunity", ptype, name):
		return name
	if refusal is None:
		refusal = (
			_("Opportunity {0} was not found, or you may not open it.")
			if ptype == "read"
			else _("Opportunity {0} was not found, or you may not change it.")
		)
	frappe.throw(refusal.format(bold(name)), frappe.PermissionError, title=_("Not Permitted"))
