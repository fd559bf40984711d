"""Duplicating an opportunity starts it over: same items, party, pipeline and labels, a new code,
the first stage, no history, no lost details and no followers (so nobody gets it shared silently)."""

import frappe
from frappe.tests.utils import FrappeTestCase

from opportunity_plus.tests.utils import lost_reason, make_label, make_opportunity, make_pipeline, make_user

FOLLOWER = "opp-plus-duplicate-follower@example.com"
# fields the desk's Duplicate (frappe.model.copy_doc in the browser) leaves out
NOT_COPIED = (
	"opportunity_code",
	"sales_stage",
	"probability",
	"stage_entered_on",
	"board_rank",
	"opportunity_followers",
	"lost_reasons",
	"competitors",
	"order_lost_reason",
	"status",
	"transaction_date",
)
COPIED = (
	"sales_pipeline",
	"opportunity_labels",
	"items",
	"opportunity_from",
	"party_name",
	"opportunity_amount",
)


def make_item(code: str = "Test Duplicate Item") -> str:
	if not frappe.db.exists("Item", code):
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": code,
				"item_group": frappe.db.get_value("Item Group", {"is_group": 0}),
				"stock_uom": "Nos",
				"is_stock_item": 0,
			}
		).insert()
	return code


class TestDuplicate(FrappeTestCase):
	def lost_opportunity(self):
		make_user(FOLLOWER, ["Sales User"])
		label = make_label("Test Duplicate VIP")
		opp = make_opportunity(
			opportunity_labels=[{"label": label}],
			opportunity_followers=[{"user": FOLLOWER}],
			items=[{"item_code": make_item(), "qty": 2, "rate": 150}],
			opportunity_amount=300,
		)
		opp.sales_stage = "Needs Analysis"
		opp.save()
		opp.sales_stage = "Lost"
		opp.order_lost_reason = "Chose a competitor"
		opp.append("lost_reasons", {"lost_reason": lost_reason()})
		opp.save()
		return opp.reload()

	def test_fields_the_desk_duplicate_leaves_out(self):
		meta = frappe.get_meta("Opportunity")
		for fieldname in NOT_COPIED:
			self.assertTrue(meta.get_field(fieldname).no_copy, f"{fieldname} must be no_copy")
		for fieldname in COPIED:
			self.assertFalse(meta.get_field(fieldname).no_copy, f"{fieldname} must be copied")

	def test_desk_duplicate_starts_over_in_the_first_stage_with_a_new_code(self):
		original = self.lost_opportunity()
		history_before = frappe.db.count("Opportunity Stage History", {"opportunity": original.name})

		# what the desk's Duplicate does: copy without the no_copy fields
		copy = frappe.copy_doc(original, ignore_no_copy=False)
		copy.insert()

		self.assertNotEqual(copy.opportunity_code, original.opportunity_code)
		self.assertTrue(copy.opportunity_code)
		self.assertEqual(
			(copy.sales_pipeline, copy.sales_stage, copy.status),
			(original.sales_pipeline, "Prospecting", "Open"),
		)
		self.assertEqual(copy.probability, 10)
		self.assertEqual(
			(copy.party_name, copy.opportunity_amount), (original.party_name, original.opportunity_amount)
		)
		self.assertEqual(
			[r.label for r in copy.opportunity_labels], [r.label for r in original.opportunity_labels]
		)
		self.assertEqual(
			[(i.item_code, i.qty, i.rate) for i in copy.items],
			[(i.item_code, i.qty, i.rate) for i in original.items],
		)
		self.assertEqual(
			(copy.lost_reasons, copy.order_lost_reason, copy.opportunity_followers), ([], None, [])
		)
		self.assertFalse(frappe.db.exists("DocShare", {"share_name": copy.name, "user": FOLLOWER}))
		history = frappe.get_all(
			"Opportunity Stage History", filters={"opportunity": copy.name}, fields=["from_stage", "to_stage"]
		)
		self.assertEqual([(h.from_stage, h.to_stage) for h in history], [(None, "Prospecting")])
		self.assertEqual(
			frappe.db.count("Opportunity Stage History", {"opportunity": original.name}), history_before
		)

	def test_duplicate_in_another_pipeline_starts_at_its_first_stage(self):
		make_pipeline("Test Duplicate Projects", [("Test Duplicate Survey", "Open", 25), ("Won", "Won", 100)])
		original = make_opportunity(sales_pipeline="Test Duplicate Projects")
		original.sales_stage = "Won"
		original.save()
		copy = frappe.copy_doc(original, ignore_no_copy=False).insert()
		self.assertEqual(
			(copy.sales_stage, copy.probability, copy.status), ("Test Duplicate Survey", 25, "Open")
		)

	def test_server_copy_keeping_every_field_still_gets_a_new_code(self):
		# frappe.copy_doc keeps no_copy fields by default; the code is still never reused
		original = make_opportunity()
		copy = frappe.copy_doc(original)
		self.assertEqual(copy.opportunity_code, original.opportunity_code)
		copy.insert()
		self.assertNotEqual(copy.opportunity_code, original.opportunity_code)
