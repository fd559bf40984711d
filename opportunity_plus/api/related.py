"""Link an EXISTING document to an opportunity (1Office's "Liên kết đối tượng liên quan").

The target's ``opportunity`` link is set through a normal save with the user's own permissions, so
the checks of ``overrides/linked_documents.py`` run as when the link is typed in the target's
form: the same party for a Quotation or Sales Order, and the user's right to link the opportunity.

Only a DRAFT Quotation, Sales Order or Contract can be linked. A submitted document cannot be changed
by a normal save (its ``opportunity`` is not editable after submit), and moving the opportunity for
a quotation or order submitted before the link would skip the checks made when it is submitted
(``before_submit_sales_document``). A draft linked here follows the sales flow like one made from the
opportunity: submitting the quotation moves the opportunity to its quotation stage, submitting the
order makes it Won.
"""

import frappe
from frappe import _

from opportunity_plus.arguments import text_arg
from opportunity_plus.messages import bold, esc

LINKABLE_DOCTYPES = ("Task", "Project", "Contract", "Issue", "Quotation", "Sales Order")


def writable(doctype: str, name: str | None, label: str) -> str:
	"""``name`` if it is a ``doctype`` record the user may edit; one answer for missing and not permitted."""
	if not (name and frappe.db.exists(doctype, name) and frappe.has_permission(doctype, "write", name)):
		frappe.throw(
			_("{0} {1} was not found, or you may not change it.").format(esc(label), bold(name)),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)
	return name


@frappe.whitelist(methods=["POST"])
def link_existing(opportunity: str, doctype: str, name: str) -> dict:
	"""Link the existing ``doctype`` ``name`` to ``opportunity``: write permission on both."""
	opportunity = text_arg(opportunity, _("Opportunity"))
	doctype = text_arg(doctype, _("Document Type"))
	name = text_arg(name, _("Document"))
	if doctype not in LINKABLE_DOCTYPES:
		frappe.throw(
			_("{0} cannot be linked to an opportunity.").format(bold(doctype)), title=_("Invalid Value")
		)
	writable("Opportunity", opportunity, _("Opportunity"))
	writable(doctype, name, _(doctype))

	doc = frappe.get_doc(doctype, name)
	if doc.docstatus != 0:
		frappe.throw(
			_(
				"{0} {1} is already submitted or cancelled: only a draft can be linked. Link the draft and "
				"submit it afterwards, so the opportunity moves with it."
			).format(esc(_(doctype)), bold(name)),
			title=_("Only a Draft Can Be Linked"),
		)
	current = doc.get("opportunity")
	if current and current != opportunity:
		frappe.throw(
			_("{0} {1} is already linked to opportunity {2}.").format(
				esc(_(doctype)), bold(name), bold(current)
			),
			title=_("Already Linked"),
		)
	if current != opportunity:
		doc.opportunity = opportunity
		doc.save()  # the user's own permissions; validate hooks check the link
	return {"doctype": doctype, "name": name, "opportunity": opportunity, "changed": current != opportunity}
