"""Customers, items and quotations for tests that walk ERPNext's sales flow."""

import frappe
from erpnext.crm.doctype.opportunity.opportunity import make_quotation
from frappe.utils import add_days, nowdate, random_string

from opportunity_plus.tests.utils import get_company, make_opportunity


def make_customer(name=None) -> str:
	name = name or "Khách hàng " + random_string(5)
	if not frappe.db.exists("Customer", name):
		frappe.get_doc(
			{
				"doctype": "Customer",
				"customer_name": name,
				"customer_group": frappe.db.get_value("Customer Group", {"is_group": 0}, "name")
				or "All Customer Groups",
				"territory": frappe.db.get_value("Territory", {"is_group": 0}, "name") or "All Territories",
			}
		).insert(ignore_permissions=True)
	return name


def make_service_item(code="OPP-PLUS-SERVICE") -> str:
	if not frappe.db.exists("Item", code):
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": code,
				"item_name": "Dịch vụ tư vấn",
				"item_group": frappe.db.get_value("Item Group", {"is_group": 0}, "name") or "All Item Groups",
				"stock_uom": "Nos",
				"is_stock_item": 0,
			}
		).insert(ignore_permissions=True)
	return code


def make_customer_opportunity(amount=1000, **fields):
	company = get_company()
	return make_opportunity(
		opportunity_from="Customer",
		party_name=make_customer(),
		lead=None,
		company=company,
		currency=frappe.get_cached_value("Company", company, "default_currency"),
		conversion_rate=1,
		opportunity_amount=amount,
		items=[{"item_code": make_service_item(), "qty": 1, "rate": amount, "uom": "Nos"}],
		**fields,
	)


def submit_quotation(opportunity: str):
	quotation = make_quotation(opportunity)
	quotation.valid_till = add_days(nowdate(), 30)
	quotation.insert(ignore_permissions=True)
	quotation.submit()
	return quotation


def submit_sales_order_from(quotation: str):
	from erpnext.selling.doctype.quotation.quotation import make_sales_order

	order = make_sales_order(quotation)
	order.delivery_date = add_days(nowdate(), 10)
	for item in order.items:
		item.delivery_date = order.delivery_date
	order.insert(ignore_permissions=True)
	order.submit()
	return order
