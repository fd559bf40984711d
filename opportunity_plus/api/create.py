"""Quick creation of documents from an opportunity: Sales Order, Contract, Issue, Project, Task.

Quotation stays ERPNext's own `make_quotation`. Each document made here links back to the
opportunity through its `opportunity` field, so the opportunity's Connections list it.
"""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.model.mapper import get_mapped_doc
from frappe.utils import add_days, getdate, nowdate

from opportunity_plus.arguments import json_arg, text_arg
from opportunity_plus.messages import bold, esc
from opportunity_plus.queries.access import check_opportunity


def get_opportunity(name: str):
	"""The opportunity, if the user may read it (one answer for "not found" and "not permitted")."""
	return frappe.get_doc("Opportunity", check_opportunity(name, "read"))


def customer_of(opp) -> str:
	"""The customer an opportunity is for; a lead must have been made a customer first."""
	if opp.opportunity_from == "Customer":
		return opp.party_name
	customer = None
	if opp.opportunity_from == "Lead":
		customer = frappe.db.get_value("Customer", {"lead_name": opp.party_name}, "name")
	elif opp.opportunity_from == "Prospect":
		customer = frappe.db.get_value("Customer", {"prospect_name": opp.party_name}, "name")
	if not customer:
		frappe.throw(
			_("{0} {1} is not a customer yet. Use Create > Customer on the opportunity first.").format(
				esc(_(opp.opportunity_from)),
				bold(opp.party_name),
			),
			title=_("Customer Needed"),
		)
	return customer


@frappe.whitelist()
def make_sales_order(source_name: str, target_doc: str | dict | None = None) -> Document:
	opp = get_opportunity(source_name)
	frappe.has_permission("Sales Order", "create", throw=True)
	target_doc = json_arg(target_doc, dict, _("Target Document"))
	if target_doc and target_doc.get("doctype") != "Sales Order":
		frappe.throw(_("The document to fill in must be a Sales Order."), title=_("Invalid Value"))
	customer = customer_of(opp)
	delivery_date = max(getdate(opp.expected_closing or add_days(nowdate(), 7)), getdate(nowdate()))

	def set_missing_values(source, target):
		target.customer = customer
		target.opportunity = source.name
		target.delivery_date = delivery_date
		for item in target.items:
			item.delivery_date = delivery_date
		target.run_method("set_missing_values")
		target.run_method("calculate_taxes_and_totals")

	return get_mapped_doc(
		"Opportunity",
		source_name,
		{
			"Opportunity": {
				"doctype": "Sales Order",
				"field_map": {"currency": "currency", "conversion_rate": "conversion_rate"},
			},
			"Opportunity Item": {
				"doctype": "Sales Order Item",
				"field_map": {"uom": "stock_uom"},
				"add_if_empty": True,
			},
		},
		target_doc,
		set_missing_values,
	)


def display_name(opp) -> str:
	return opp.title or opp.customer_name or opp.name


def new_linked(opp, doctype: str, values: dict):
	"""A new document of ``doctype`` that links back to the opportunity, if the user may create one."""
	frappe.has_permission(doctype, "create", throw=True)
	doc = frappe.new_doc(doctype)
	doc.update({"opportunity": opp.name, **values})
	return doc


@frappe.whitelist()
def make_contract(source_name: str) -> Document:
	opp = get_opportunity(source_name)
	return new_linked(
		opp,
		"Contract",
		{
			"party_type": "Customer",
			"party_name": customer_of(opp),
			"start_date": nowdate(),
			"contract_terms": display_name(opp),
		},
	)


@frappe.whitelist()
def make_issue(source_name: str) -> Document:
	"""After-sale support for the customer of an opportunity."""
	opp = get_opportunity(source_name)
	party = {"Customer": "customer", "Lead": "lead"}.get(opp.opportunity_from)
	return new_linked(
		opp,
		"Issue",
		{
			"subject": _("Support for {0}").format(esc(display_name(opp))),
			"raised_by": opp.contact_email,
			"company": opp.company,
			**({party: opp.party_name} if party else {}),
		},
	)


@frappe.whitelist()
def make_project(source_name: str) -> Document:
	opp = get_opportunity(source_name)
	return new_linked(
		opp,
		"Project",
		{
			"project_name": display_name(opp),
			"company": opp.company,
			"expected_end_date": opp.expected_closing,
			"estimated_costing": opp.opportunity_amount,
			**({"customer": opp.party_name} if opp.opportunity_from == "Customer" else {}),
		},
	)


@frappe.whitelist()
def make_task(source_name: str) -> Document:
	"""A task ("Công việc") for the opportunity: a follow-up of the sale, due when it should close."""
	opp = get_opportunity(source_name)
	return new_linked(
		opp,
		"Task",
		{
			"subject": display_name(opp),
			"company": opp.company,
			"exp_end_date": opp.expected_closing,
		},
	)
