"""Bulk actions of the Opportunity list, run on a real site."""

import json
from unittest.mock import patch

import frappe
from frappe.share import add_docshare
from frappe.tests.utils import FrappeTestCase

from opportunity_plus.api import bulk
from opportunity_plus.tests.utils import lost_reason, make_label, make_opportunity, make_pipeline, make_user

# a desk user without any role on Opportunity: only shares give access to single opportunities
OUTSIDER = "opp-plus-bulk-outsider@example.com"
FOLLOWER = "opp-plus-bulk-follower@example.com"


def history(name: str) -> list[dict]:
	return frappe.get_all(
		"Opportunity Stage History",
		filters={"opportunity": name},
		fields=["from_stage", "to_stage", "via"],
		order_by="creation asc",
	)


class TestBulkActions(FrappeTestCase):
	def tearDown(self):
		frappe.set_user("Administrator")

	def test_move_mixes_allowed_and_refused_rows_in_one_summary(self):
		with_amount = [make_opportunity(opportunity_amount=1000 * (i + 1)) for i in range(3)]
		without = [make_opportunity() for _ in range(2)]
		names = [o.name for o in with_amount[:2]] + [without[0].name, with_amount[2].name, without[1].name]
		frappe.clear_messages()

		result = bulk.move_to_stage(names, "Proposal/Price Quote")

		self.assertEqual((result["done"], result["refused"], result["unchanged"]), (3, 2, 0))
		self.assertEqual(result["message"], "3 moved, 2 refused")
		self.assertEqual(len(result["refusals"]), 1, "same reason, one line")
		refusal = result["refusals"][0]
		self.assertIn("needs an amount", refusal["reason"])
		self.assertNotIn("<", refusal["reason"], "plain text, no HTML")
		self.assertEqual(refusal["names"], [without[0].name, without[1].name])
		self.assertEqual(refusal["labels"], [without[0].opportunity_code, without[1].opportunity_code])

		for opp in with_amount:
			opp.reload()
			self.assertEqual((opp.sales_stage, opp.probability), ("Proposal/Price Quote", 70))
			self.assertEqual(history(opp.name)[-1].via, "List")
		for opp in without:
			self.assertEqual(frappe.db.get_value("Opportunity", opp.name, "sales_stage"), "Prospecting")
			self.assertEqual(len(history(opp.name)), 1, "a refused move leaves no history row")
		self.assertFalse(frappe.local.message_log, "refusals are in the summary, not in popups")

	def test_other_pipeline_missing_row_and_same_stage_do_not_stop_the_batch(self):
		make_pipeline("Test Bulk Retail", [("Test Bulk Walk-in", "Open", 15), ("Won", "Won", 100)])
		retail = make_opportunity(sales_pipeline="Test Bulk Retail")
		main = make_opportunity()
		already = make_opportunity()
		already.sales_stage = "Qualification"
		already.save()

		result = bulk.move_to_stage(
			json.dumps([retail.name, "CRM-OPP-DOES-NOT-EXIST", main.name, already.name]), "Qualification"
		)

		self.assertEqual((result["done"], result["unchanged"], result["refused"]), (1, 1, 2))
		self.assertEqual(result["message"], "1 moved, 1 already there, 2 refused")
		reasons = {r["names"][0]: r["reason"] for r in result["refusals"]}
		self.assertIn("Test Bulk Retail", reasons[retail.name])
		# a missing opportunity reads like one the user may not change: no existence oracle
		self.assertEqual(reasons["CRM-OPP-DOES-NOT-EXIST"], "Not found, or you may not change it.")
		self.assertEqual(frappe.db.get_value("Opportunity", main.name, "sales_stage"), "Qualification")

	def test_move_to_lost_takes_the_lost_reasons_of_the_dialog(self):
		opps = [make_opportunity() for _ in range(2)]
		reason = lost_reason("Test Bulk Budget Cut")

		refused = bulk.move_to_stage([o.name for o in opps], "Lost")
		self.assertEqual(refused["refused"], 2)
		self.assertIn("lost reason", refused["refusals"][0]["reason"])

		result = bulk.move_to_stage(
			[o.name for o in opps], "Lost", lost_reasons=[reason], lost_detail="Budget frozen"
		)
		self.assertEqual(result["done"], 2)
		for opp in opps:
			opp.reload()
			self.assertEqual((opp.status, opp.sales_stage), ("Lost", "Lost"))
			self.assertEqual([r.lost_reason for r in opp.lost_reasons], [reason])
			self.assertEqual(opp.order_lost_reason, "Budget frozen")

	def test_add_and_remove_labels(self):
		hot, vip = make_label("Test Bulk Hot"), make_label("Test Bulk VIP")
		first = make_opportunity(opportunity_labels=[{"label": hot}])
		second = make_opportunity()

		added = bulk.add_label([first.name, second.name], [hot, vip])
		self.assertEqual((added["done"], added["unchanged"]), (2, 0))
		self.assertEqual([r.label for r in first.reload().opportunity_labels], [hot, vip])
		self.assertEqual([r.label for r in second.reload().opportunity_labels], [hot, vip])

		again = bulk.add_label([first.name], json.dumps([vip]))
		self.assertEqual((again["done"], again["unchanged"]), (0, 1))
		self.assertEqual(again["message"], "0 labelled, 1 already had it")

		removed = bulk.remove_label([first.name, second.name], [hot])
		self.assertEqual(removed["done"], 2)
		self.assertEqual([r.label for r in first.reload().opportunity_labels], [vip])
		self.assertEqual([r.label for r in second.reload().opportunity_labels], [vip])

		with self.assertRaises(frappe.ValidationError):
			bulk.add_label([first.name], ["Test Bulk No Such Label"])

	def test_add_follower_shares_and_follows(self):
		make_user(FOLLOWER, ["Purchase User"])
		opps = [make_opportunity() for _ in range(2)]

		result = bulk.add_follower([o.name for o in opps], [FOLLOWER])

		self.assertEqual(result["done"], 2)
		for opp in opps:
			self.assertEqual([r.user for r in opp.reload().opportunity_followers], [FOLLOWER])
			self.assertTrue(
				frappe.db.exists("DocShare", {"share_name": opp.name, "user": FOLLOWER, "write": 1})
			)
			self.assertTrue(frappe.db.exists("Document Follow", {"ref_docname": opp.name, "user": FOLLOWER}))

	def test_row_without_write_permission_is_refused_not_skipped(self):
		make_user(OUTSIDER, ["Purchase User"])
		writable, read_only, hidden = (make_opportunity() for _ in range(3))
		add_docshare(
			"Opportunity", writable.name, OUTSIDER, read=1, write=1, flags={"ignore_share_permission": 1}
		)
		add_docshare("Opportunity", read_only.name, OUTSIDER, read=1, flags={"ignore_share_permission": 1})

		frappe.set_user(OUTSIDER)
		result = bulk.move_to_stage([writable.name, read_only.name, hidden.name], "Qualification")
		frappe.set_user("Administrator")

		self.assertEqual((result["done"], result["refused"]), (1, 2))
		refusal = result["refusals"][0]
		self.assertEqual(refusal["names"], [read_only.name, hidden.name])
		self.assertEqual(refusal["reason"], "Not found, or you may not change it.")
		self.assertEqual(refusal["labels"], [read_only.name, hidden.name], "no code of an unreadable row")
		self.assertEqual(frappe.db.get_value("Opportunity", writable.name, "sales_stage"), "Qualification")
		self.assertEqual(frappe.db.get_value("Opportunity", read_only.name, "sales_stage"), "Prospecting")
		self.assertEqual(history(writable.name)[-1].via, "List")

	def test_large_batch_runs_in_the_background_with_progress_and_a_notification(self):
		opps = [make_opportunity(opportunity_amount=500) for _ in range(3)]
		progress = []
		with (
			patch("opportunity_plus.rules.bulk.BACKGROUND_THRESHOLD", 2),
			patch("frappe.publish_progress", side_effect=lambda percent, **kw: progress.append(percent)),
		):
			result = bulk.move_to_stage([o.name for o in opps], "Needs Analysis")

		self.assertTrue(result["queued"])
		self.assertEqual(result["total"], 3)
		self.assertEqual(progress[-1], 100)
		for opp in opps:
			self.assertEqual(frappe.db.get_value("Opportunity", opp.name, "sales_stage"), "Needs Analysis")
		note = frappe.get_all(
			"Notification Log",
			filters={"for_user": "Administrator", "document_type": "Opportunity"},
			fields=["subject"],
			order_by="creation desc",
			limit=1,
		)
		self.assertEqual(note[0].subject, "Move to Stage: 3 moved")

	def test_frappe_assign_to_still_works_on_opportunities(self):
		from frappe.desk.form.assign_to import add_multiple

		make_user(FOLLOWER, ["Sales User"])
		opps = [make_opportunity() for _ in range(2)]
		# what the list's "Assign To" action sends
		add_multiple(
			{
				"doctype": "Opportunity",
				"name": json.dumps([o.name for o in opps]),
				"assign_to": [FOLLOWER],
				"description": "Call back",
			}
		)
		for opp in opps:
			self.assertTrue(
				frappe.db.exists(
					"ToDo",
					{"reference_type": "Opportunity", "reference_name": opp.name, "allocated_to": FOLLOWER},
				)
			)
			self.assertIn(FOLLOWER, json.loads(frappe.db.get_value("Opportunity", opp.name, "_assign")))

	def test_list_reads_and_filters_labels_through_the_child_table(self):
		"""What the list does: label pills from one get_list call, and the label quick filter."""
		from frappe.client import get_list

		make_user(FOLLOWER, ["Sales User"])
		label = make_label("Test Bulk Filter Label")
		labelled = make_opportunity(
			opportunity_labels=[{"label": label}, {"label": make_label("Test Bulk VIP")}]
		)
		plain = make_opportunity()

		frappe.set_user(FOLLOWER)
		pills = get_list(
			"Opportunity",
			fields=["name", "`tabOpportunity Label Detail`.`label` as label"],
			filters=[
				["name", "in", [labelled.name, plain.name]],
				["Opportunity Label Detail", "label", "is", "set"],
			],
			limit_page_length=0,
		)
		self.assertEqual(
			sorted((row.name, row.label) for row in pills),
			[(labelled.name, "Test Bulk Filter Label"), (labelled.name, "Test Bulk VIP")],
		)
		filtered = frappe.get_list(
			"Opportunity",
			filters=[["Opportunity Label Detail", "label", "=", label]],
			group_by="`tabOpportunity`.`name`",
			pluck="name",
		)
		self.assertEqual(filtered, [labelled.name])
