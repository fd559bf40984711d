"""Which opportunities a Quotation, Sales Order, Contract, Issue or Project may link to.

Submitting a quotation or an order moves the opportunities it links to (stage and status), so the
link is checked: the user may edit the opportunity, and it is the document's own party's.
"""

import frappe
from erpnext.crm.doctype.opportunity.opportunity import make_quotation
from erpnext.selling.doctype.quotation.quotation import make_sales_order as make_sales_order_from_quotation
from frappe.share import add_docshare
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, nowdate, random_string

from opportunity_plus.api.create import make_sales_order
from opportunity_plus.queries.pipeline import get_stages
from opportunity_plus.tests.sales_fixtures import make_customer, make_service_item
from opportunity_plus.tests.sales_fixtures import make_customer_opportunity as make_fixture_opportunity
from opportunity_plus.tests.utils import get_company, make_lead, make_opportunity, make_pipeline, make_user

SELLER = "opp-plus-links-seller@example.com"
LIMITED_SELLER = "opp-plus-links-limited@example.com"
LINKER = "opp-plus-links-linker@example.com"
# the tests' own pipeline, so they do not depend on the site's default one
PIPELINE = "Test Links Pipeline"
QUOTE_STAGE = "Test Links Quote"
LOST_STAGE = "Test Links Lost"


def make_customer_opportunity(**fields):
	return make_fixture_opportunity(sales_pipeline=PIPELINE, **fields)


def lose(opportunity: str) -> None:
	frappe.db.set_value("Opportunity", opportunity, {"status": "Lost", "sales_stage": LOST_STAGE})


def order_for(customer: str, opportunity: str | None = None):
	"""A draft Sales Order as a user would post it through the API."""
	company = get_company()
	return frappe.get_doc(
		{
			"doctype": "Sales Order",
			"customer": customer,
			"company": company,
			"currency": frappe.get_cached_value("Company", company, "default_currency"),
			"conversion_rate": 1,
			"transaction_date": nowdate(),
			"delivery_date": add_days(nowdate(), 10),
			"opportunity": opportunity,
			"items": [
				{
					"item_code": make_service_item(),
					"qty": 1,
					"rate": 500,
					"uom": "Nos",
					"delivery_date": add_days(nowdate(), 10),
				}
			],
		}
	)


def prepared_quotation(opportunity: str):
	quotation = make_quotation(opportunity)
	quotation.valid_till = add_days(nowdate(), 30)
	return quotation


def won(opportunity: str) -> tuple[str, str]:
	"""(status, stage) of an opportunity won through the sales flow, in its own pipeline."""
	pipeline = frappe.db.get_value("Opportunity", opportunity, "sales_pipeline")
	return "Converted", next(s.sales_stage for s in get_stages(pipeline) if s.stage_type == "Won")


def orders_of(opportunity: str) -> int:
	return frappe.db.count("Sales Order", {"opportunity": opportunity})


class TestSalesFlowLinks(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		if not frappe.db.exists("Sales Pipeline", PIPELINE):
			make_pipeline(
				PIPELINE,
				[
					("Test Links Prospecting", "Open", 10),
					(QUOTE_STAGE, "Open", 60),
					("Test Links Won", "Won", 100),
					(LOST_STAGE, "Lost", 0),
				],
				quotation_stage=QUOTE_STAGE,
			)
		make_user(SELLER, ["Sales User"])
		make_user(LIMITED_SELLER, ["Sales User"])
		# no role that can read opportunities; can make contracts, issues and projects
		make_user(LINKER, ["Purchase Manager", "Support Team", "Projects User", "Projects Manager"])

	def tearDown(self):
		frappe.set_user("Administrator")

	def assertRefused(self, error, opportunity: str, exception=frappe.ValidationError):
		self.assertIsInstance(error.exception, exception)
		self.assertIn(opportunity, str(error.exception))

	# Sales Order

	def test_order_for_one_customer_cannot_win_the_lost_opportunity_of_another(self):
		theirs = make_customer_opportunity()
		lose(theirs.name)
		mine = make_customer()

		frappe.set_user(SELLER)
		for submit in (False, True):
			order = order_for(mine, theirs.name)
			if submit:
				order.docstatus = 1  # frappe.client.insert of a submitted document
			with self.assertRaises(frappe.ValidationError) as error:
				order.insert()
			self.assertRefused(error, theirs.name)
			self.assertIn("is not for", str(error.exception))

		# a draft made for the right customer cannot be turned to the other opportunity either
		order = order_for(mine).insert()
		order.opportunity = theirs.name
		with self.assertRaises(frappe.ValidationError) as error:
			order.submit()
		self.assertRefused(error, theirs.name)

		frappe.set_user("Administrator")
		self.assertEqual(
			frappe.db.get_value("Opportunity", theirs.name, ["status", "sales_stage"]), ("Lost", LOST_STAGE)
		)
		self.assertEqual(orders_of(theirs.name), 0)
		self.assertFalse(frappe.db.exists("Sales Order", {"customer": mine, "docstatus": 1}))

	def test_order_made_from_another_customers_quotation_is_refused(self):
		theirs = make_customer_opportunity()
		quotation = prepared_quotation(theirs.name).insert()
		quotation.submit()
		mine = make_customer()

		frappe.set_user(SELLER)
		order = make_sales_order_from_quotation(quotation.name)
		order.customer = mine
		order.delivery_date = add_days(nowdate(), 10)
		for item in order.items:
			item.delivery_date = order.delivery_date
		with self.assertRaises(frappe.ValidationError) as error:
			order.insert()
		self.assertRefused(error, theirs.name)
		frappe.set_user("Administrator")
		self.assertNotEqual(frappe.db.get_value("Opportunity", theirs.name, "status"), "Converted")

	def test_user_permission_limits_the_opportunities_a_seller_can_link(self):
		allowed = make_customer_opportunity()
		other = make_customer_opportunity()
		frappe.get_doc(
			{
				"doctype": "User Permission",
				"user": LIMITED_SELLER,
				"allow": "Opportunity",
				"for_value": allowed.name,
				"apply_to_all_doctypes": 0,
				"applicable_for": "Opportunity",
			}
		).insert(ignore_permissions=True)
		quotation = prepared_quotation(other.name)  # mapped by someone who can read it, posted by the user

		frappe.set_user(LIMITED_SELLER)
		with self.assertRaises(frappe.PermissionError) as error:
			order_for(other.party_name, other.name).insert()
		self.assertRefused(error, other.name, frappe.PermissionError)
		with self.assertRaises(frappe.PermissionError) as error:
			quotation.insert()
		self.assertRefused(error, other.name, frappe.PermissionError)
		# the opportunity the user may work on links fine
		order_for(allowed.party_name, allowed.name).insert()

		# submitting moves the opportunity: a draft someone else made is checked again
		frappe.set_user("Administrator")
		draft = order_for(other.party_name, other.name).insert()
		frappe.set_user(LIMITED_SELLER)
		with self.assertRaises(frappe.PermissionError) as error:
			draft.submit()
		self.assertRefused(error, other.name, frappe.PermissionError)
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value("Sales Order", draft.name, "docstatus"), 0)
		self.assertNotEqual(frappe.db.get_value("Opportunity", other.name, "status"), "Converted")

	def test_direct_order_from_the_opportunity_still_wins_it(self):
		opp = make_customer_opportunity()
		frappe.set_user(SELLER)
		order = make_sales_order(opp.name)
		order.insert()
		order.submit()
		frappe.set_user("Administrator")
		self.assertEqual(
			frappe.db.get_value("Opportunity", opp.name, ["status", "sales_stage"]), won(opp.name)
		)

	def test_lead_opportunity_quotation_customer_order_still_wins_the_opportunity(self):
		lead = make_lead(company_name="Công ty " + random_string(6))
		company = get_company()
		opp = make_opportunity(
			lead=lead.name,
			sales_pipeline=PIPELINE,
			currency=frappe.get_cached_value("Company", company, "default_currency"),
			conversion_rate=1,
			opportunity_amount=1200,
			items=[{"item_code": make_service_item(), "qty": 1, "rate": 1200, "uom": "Nos"}],
		)

		frappe.set_user(SELLER)
		quotation = prepared_quotation(opp.name)
		self.assertEqual((quotation.quotation_to, quotation.party_name), ("Lead", lead.name))
		quotation.insert()
		quotation.submit()
		self.assertEqual(frappe.db.get_value("Opportunity", opp.name, "status"), "Quotation")

		# ERPNext makes the customer from the lead and the order for that customer
		order = make_sales_order_from_quotation(quotation.name)
		self.assertEqual(frappe.db.get_value("Customer", order.customer, "lead_name"), lead.name)
		order.delivery_date = add_days(nowdate(), 10)
		for item in order.items:
			item.delivery_date = order.delivery_date
		order.insert()
		order.submit()
		self.assertEqual(order.opportunity, opp.name)

		frappe.set_user("Administrator")
		self.assertEqual(
			frappe.db.get_value("Opportunity", opp.name, ["status", "sales_stage"]), won(opp.name)
		)

		# a quotation for the customer made from the lead may link the lead's opportunity too
		frappe.set_user(SELLER)
		again = prepared_quotation(opp.name)
		again.quotation_to, again.party_name = "Customer", order.customer
		again.insert()

	# Quotation

	def test_quotation_items_cannot_point_to_another_partys_opportunity(self):
		theirs = make_customer_opportunity()
		mine = make_customer()

		frappe.set_user(SELLER)
		quotation = prepared_quotation(theirs.name)
		quotation.opportunity = None  # the link is only in the items (prevdoc)
		self.assertEqual({row.prevdoc_docname for row in quotation.items}, {theirs.name})
		quotation.party_name = mine
		quotation.customer_name = mine
		with self.assertRaises(frappe.ValidationError) as error:
			quotation.insert()
		self.assertRefused(error, theirs.name)

		# nor a lead's quotation to a customer's opportunity
		quotation = prepared_quotation(theirs.name)
		quotation.quotation_to, quotation.party_name = "Lead", make_lead().name
		with self.assertRaises(frappe.ValidationError) as error:
			quotation.insert()
		self.assertRefused(error, theirs.name)

		frappe.set_user("Administrator")
		self.assertFalse(frappe.db.exists("Quotation Item", {"prevdoc_docname": theirs.name}))
		self.assertEqual(frappe.db.get_value("Opportunity", theirs.name, "status"), "Open")

	# Contract, Issue, Project

	def test_contract_issue_and_project_need_an_opportunity_the_user_can_read(self):
		opp = make_customer_opportunity()
		company = get_company()
		documents = {
			"Contract": {
				"party_type": "Customer",
				"party_name": opp.party_name,
				"start_date": nowdate(),
				"contract_terms": "Hợp đồng dịch vụ",
			},
			"Issue": {"subject": "Hỗ trợ sau bán hàng " + random_string(5)},
			"Project": {"project_name": "Dự án " + random_string(6), "company": company},
		}

		frappe.set_user(LINKER)
		for doctype, values in documents.items():
			with self.assertRaises(frappe.PermissionError, msg=doctype) as error:
				frappe.get_doc({"doctype": doctype, "opportunity": opp.name, **values}).insert()
			self.assertRefused(error, opp.name, frappe.PermissionError)
			self.assertFalse(frappe.db.exists(doctype, {"opportunity": opp.name}))

		frappe.set_user("Administrator")
		add_docshare("Opportunity", opp.name, LINKER, read=1, flags={"ignore_share_permission": 1})
		frappe.set_user(LINKER)
		for doctype, values in documents.items():
			doc = frappe.get_doc({"doctype": doctype, "opportunity": opp.name, **values}).insert()
			self.assertEqual(doc.opportunity, opp.name)

	def test_changing_the_link_is_checked_keeping_it_is_not(self):
		readable = make_customer_opportunity()
		unreadable = make_customer_opportunity()
		add_docshare("Opportunity", readable.name, LINKER, read=1, flags={"ignore_share_permission": 1})
		issue = frappe.get_doc(
			{"doctype": "Issue", "subject": "Hỏi về hợp đồng", "opportunity": unreadable.name}
		).insert()

		frappe.set_user(LINKER)
		issue.reload()
		issue.description = "Khách hỏi lại"
		issue.save()  # the link was made by someone allowed to; editing the rest is fine

		issue.opportunity = readable.name
		issue.save()
		issue.opportunity = unreadable.name
		with self.assertRaises(frappe.PermissionError) as error:
			issue.save()
		self.assertRefused(error, unreadable.name, frappe.PermissionError)
