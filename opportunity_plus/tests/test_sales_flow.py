import frappe
from frappe.tests.utils import FrappeTestCase

from opportunity_plus.api.create import make_contract, make_issue, make_project, make_sales_order
from opportunity_plus.overrides.dashboard import get_dashboard_data
from opportunity_plus.tests.sales_fixtures import (
	make_customer_opportunity,
	submit_quotation,
	submit_sales_order_from,
)
from opportunity_plus.tests.utils import lost_reason, make_opportunity

QUOTATION_STAGE = "Proposal/Price Quote"


def quotation_lost_reason(name="Giá quá cao"):
	if not frappe.db.exists("Quotation Lost Reason", name):
		frappe.get_doc({"doctype": "Quotation Lost Reason", "order_lost_reason": name}).insert(
			ignore_permissions=True
		)
	return name


class TestSalesFlow(FrappeTestCase):
	def history(self, opportunity):
		return frappe.get_all(
			"Opportunity Stage History",
			filters={"opportunity": opportunity},
			fields=[
				"from_stage",
				"to_stage",
				"via",
				"reference_doctype",
				"reference_name",
				"changed_on",
				"from_stage_entered_on",
				"seconds_in_from_stage",
			],
			order_by="changed_on asc, creation asc",
		)

	def assert_step(self, opportunity, count, from_stage, to_stage, reference=None):
		"""Exactly one new history row per step, chained to the previous one."""
		rows = self.history(opportunity)
		self.assertEqual(len(rows), count)
		last, previous = rows[-1], rows[-2]
		self.assertEqual((last.from_stage, last.to_stage), (from_stage, to_stage))
		self.assertEqual(last.from_stage_entered_on, previous.changed_on)
		self.assertGreaterEqual(last.seconds_in_from_stage, 0)
		if reference:
			self.assertEqual(
				(last.reference_doctype, last.reference_name), (reference.doctype, reference.name)
			)
		opp = frappe.get_doc("Opportunity", opportunity)
		self.assertEqual(opp.sales_stage, to_stage)
		self.assertEqual(opp.stage_entered_on, last.changed_on)
		return opp

	def test_whole_flow_quotation_order_cancellations_and_lost(self):
		opp = make_customer_opportunity()
		self.assertEqual(len(self.history(opp.name)), 1)  # created in the first stage

		first = submit_quotation(opp.name)
		opp = self.assert_step(opp.name, 2, "Prospecting", QUOTATION_STAGE, first)
		self.assertEqual(opp.status, "Quotation")
		self.assertEqual(opp.probability, 70)

		first.reload()
		first.cancel()
		opp = self.assert_step(opp.name, 3, QUOTATION_STAGE, "Prospecting", first)
		self.assertEqual(opp.status, "Open")

		second = submit_quotation(opp.name)
		self.assert_step(opp.name, 4, "Prospecting", QUOTATION_STAGE, second)

		order = submit_sales_order_from(second.name)
		self.assertEqual(order.opportunity, opp.name)
		opp = self.assert_step(opp.name, 5, QUOTATION_STAGE, "Won", order)
		self.assertEqual(opp.status, "Converted")

		order.reload()
		order.cancel()
		opp = self.assert_step(opp.name, 6, "Won", QUOTATION_STAGE, order)
		self.assertNotIn(opp.status, ("Converted", "Lost"))

		second.reload()
		second.declare_enquiry_lost(
			[{"lost_reason": quotation_lost_reason()}], [], detailed_reason="Khách chọn nhà cung cấp khác"
		)
		opp = self.assert_step(opp.name, 7, QUOTATION_STAGE, "Lost", second)
		self.assertEqual(opp.status, "Lost")
		self.assertEqual([row.lost_reason for row in opp.lost_reasons], [quotation_lost_reason()])
		self.assertEqual(opp.order_lost_reason, "Khách chọn nhà cung cấp khác")

	def test_quotation_does_not_pull_back_an_opportunity_further_along(self):
		opp = make_customer_opportunity()
		opp.sales_stage = "Negotiation/Review"
		opp.save()
		submit_quotation(opp.name)
		self.assertEqual(frappe.db.get_value("Opportunity", opp.name, "sales_stage"), "Negotiation/Review")

	def test_flow_does_not_need_stage_requirements(self):
		# the quotation stage requires an amount; a submitted quotation is evidence enough
		opp = make_customer_opportunity(amount=0)
		submit_quotation(opp.name)
		self.assertEqual(frappe.db.get_value("Opportunity", opp.name, "sales_stage"), QUOTATION_STAGE)

	def test_direct_sales_order_contract_issue_and_project_link_back(self):
		opp = make_customer_opportunity(amount=2500)

		order = make_sales_order(opp.name)
		self.assertEqual((order.customer, order.opportunity), (opp.party_name, opp.name))
		self.assertEqual(order.items[0].item_code, opp.items[0].item_code)
		order.insert(ignore_permissions=True)
		self.assertEqual(order.grand_total, 2500)
		order.submit()
		opp.reload()
		self.assertEqual((opp.sales_stage, opp.status), ("Won", "Converted"))
		self.assertEqual(self.history(opp.name)[-1].reference_name, order.name)

		contract = make_contract(opp.name).insert(ignore_permissions=True)
		issue = make_issue(opp.name).insert(ignore_permissions=True)
		project = make_project(opp.name).insert(ignore_permissions=True)
		for doc in (contract, issue, project):
			self.assertEqual(doc.opportunity, opp.name)

		data = get_dashboard_data({"fieldname": "opportunity", "transactions": [{"items": ["Quotation"]}]})
		linked = {item for group in data["transactions"] for item in group["items"]}
		self.assertTrue({"Sales Order", "Contract", "Issue", "Project"} <= linked)
		from frappe.desk.notifications import get_open_count

		found = get_open_count("Opportunity", opp.name)["count"]["external_links_found"]
		counts = {row["doctype"]: row["count"] for row in found}
		self.assertEqual(counts.get("Contract"), 1)
		self.assertEqual(counts.get("Sales Order"), 1)

	def test_sales_order_needs_a_customer_not_a_lead(self):
		opp = make_opportunity()
		with self.assertRaises(frappe.ValidationError) as error:
			make_sales_order(opp.name)
		self.assertIn("not a customer yet", str(error.exception))

	def test_lost_stage_is_refused_while_a_quotation_is_active(self):
		opp = make_customer_opportunity()
		submit_quotation(opp.name)
		opp.reload()
		opp.sales_stage = "Lost"
		opp.append("lost_reasons", {"lost_reason": lost_reason("Too slow")})
		with self.assertRaises(frappe.ValidationError) as error:
			opp.save()
		self.assertIn("Declare the quotation lost instead", str(error.exception))

	def test_native_reopen_returns_to_the_last_open_stage(self):
		opp = make_customer_opportunity()
		opp.sales_stage = "Needs Analysis"
		opp.save()
		opp.declare_enquiry_lost([{"lost_reason": lost_reason("Chọn đối thủ")}], [])
		opp.reload()
		self.assertEqual(opp.sales_stage, "Lost")
		# what ERPNext's Reopen button does
		opp.set("lost_reasons", [])
		opp.status = "Open"
		opp.save()
		self.assertEqual((opp.reload().sales_stage, opp.status), ("Needs Analysis", "Open"))
