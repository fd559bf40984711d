"""doc_events of the documents that link to an opportunity: who may link it, and to what.

The app acts on the opportunities a document links to: a submitted Quotation or Sales Order moves
their stage (and ERPNext their status) with the opportunity's permissions ignored, since the user
acted on the quotation or order. So the link itself is checked here, in one place:

- Quotation and Sales Order: each linked opportunity (see ``sales_flow.quotation_opportunities`` and
  ``order_opportunities``) must be one the user may read and edit when the link is made or changed,
  and again when the document is submitted (the submit moves it); and it must always be for the
  document's own party: the same party, or the lead or prospect its customer was made from (ERPNext's
  own Lead > Opportunity > Quotation > Customer > Sales Order flow).
- Contract, Issue and Project (the app's ``opportunity`` link): the user must be able to read the
  opportunity they link.
"""

import frappe
from frappe import _

from opportunity_plus.messages import bold, esc
from opportunity_plus.overrides.sales_flow import order_opportunities, quotation_opportunities

# the field of a Customer that names the lead or prospect it was made from (ERPNext's _make_customer)
CUSTOMER_MADE_FROM = {"Lead": "lead_name", "Prospect": "prospect_name"}


def linked_opportunities(doc) -> set[str]:
	"""The existing opportunities ``doc`` links to (and the app would move)."""
	if doc.doctype == "Quotation":
		return quotation_opportunities(doc)
	if doc.doctype == "Sales Order":
		return order_opportunities(doc)
	name = doc.get("opportunity")
	return {name} if name and frappe.db.exists("Opportunity", name) else set()


def newly_linked(doc) -> set[str]:
	"""The linked opportunities that were not linked before this save (all of them on insert)."""
	current = linked_opportunities(doc)
	before = doc.get_doc_before_save()
	return current - linked_opportunities(before) if before else current


def party_of(doc) -> tuple[str | None, str | None]:
	if doc.doctype == "Sales Order":
		return "Customer", doc.get("customer")
	return doc.get("quotation_to"), doc.get("party_name")


def is_party_of(party_type: str, party: str, opportunity: str) -> bool:
	"""``party`` is the opportunity's party, or the customer made from its lead or prospect."""
	opp = frappe.db.get_value("Opportunity", opportunity, ["opportunity_from", "party_name"], as_dict=True)
	if not opp or not opp.party_name:
		return False
	if (party_type, party) == (opp.opportunity_from, opp.party_name):
		return True
	made_from = CUSTOMER_MADE_FROM.get(opp.opportunity_from)
	return bool(
		party_type == "Customer"
		and made_from
		and frappe.db.get_value("Customer", party, made_from) == opp.party_name
	)


def check_can_edit(opportunities: set[str]) -> None:
	for name in sorted(opportunities):
		if not frappe.has_permission("Opportunity", "write", name):
			frappe.throw(
				_(
					"You cannot link opportunity {0}: only an opportunity you can read and edit can be linked."
				).format(bold(name)),
				frappe.PermissionError,
				title=_("Opportunity Not Permitted"),
			)


def check_same_party(doc, opportunities: set[str]) -> None:
	party_type, party = party_of(doc)
	if not party_type or not party:
		return  # Frappe's mandatory check refuses the document
	for name in sorted(opportunities):
		if not is_party_of(party_type, party, name):
			frappe.throw(
				_(
					"Opportunity {0} is not for {1} {2}. A {3} can only be linked to an opportunity of its own "
					"party, or of the lead or prospect its customer was made from."
				).format(bold(name), esc(_(party_type)), bold(party), esc(_(doc.doctype))),
				frappe.ValidationError,
				title=_("Opportunity of Another Party"),
			)


# Quotation and Sales Order


def validate_sales_document(doc, method=None):
	check_can_edit(newly_linked(doc))
	check_same_party(doc, linked_opportunities(doc))


def before_submit_sales_document(doc, method=None):
	"""Submitting moves the linked opportunities: the submitter must be allowed to edit them."""
	opportunities = linked_opportunities(doc)
	check_can_edit(opportunities)
	check_same_party(doc, opportunities)


# Contract, Issue, Project


def validate_opportunity_link(doc, method=None):
	for name in sorted(newly_linked(doc)):
		if not frappe.has_permission("Opportunity", "read", name):
			frappe.throw(
				_("You cannot link opportunity {0}: only an opportunity you can read can be linked.").format(
					bold(name)
				),
				frappe.PermissionError,
				title=_("Opportunity Not Permitted"),
			)
