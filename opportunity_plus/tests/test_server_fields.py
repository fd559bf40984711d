"""Fields the app maintains belong to the server: a request can neither set nor rewrite them."""

import frappe
from frappe.tests.utils import FrappeTestCase

from opportunity_plus.tests.utils import make_opportunity, make_user

SALES = "opp-plus-server-fields@example.com"
FORGED = {
	"stage_entered_on": "2000-01-01 00:00:00",
	"stage_stay_seconds": 2000000000,
	"stage_stays": 1,
	"board_rank": -5,
	"card_labels": "Forged label",
	"follower_count": 99,
}


def rest_update(doctype: str, name: str, data: dict):
	"""What ``PUT /api/resource/{doctype}/{name}`` does (frappe.api.v1.update_doc)."""
	doc = frappe.get_doc(doctype, name, for_update=True)
	data.pop("flags", None)
	doc.update(data)
	return doc.save()


def rest_insert(data: dict):
	"""What ``POST /api/resource/{doctype}`` does (frappe.api.v1.create_doc)."""
	data.pop("flags", None)
	return frappe.get_doc(data).insert()


class TestServerFields(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user(SALES, ["Sales User"])

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_rest_update_keeps_stage_times_and_rank(self):
		opp = make_opportunity()
		saved = frappe.db.get_value("Opportunity", opp.name, list(FORGED), as_dict=True)

		frappe.set_user(SALES)
		rest_update("Opportunity", opp.name, {**FORGED, "title": "Renamed through REST"})
		frappe.set_user("Administrator")

		now = frappe.db.get_value("Opportunity", opp.name, [*FORGED, "title"], as_dict=True)
		self.assertEqual(now.title, "Renamed through REST", "the rest of the update went through")
		for field in FORGED:
			self.assertEqual(now[field], saved[field], field)

	def test_rest_insert_starts_from_the_server_values(self):
		frappe.set_user(SALES)
		template = make_opportunity(save=False).as_dict()
		doc = rest_insert({**{k: v for k, v in template.items() if v is not None}, **FORGED})
		frappe.set_user("Administrator")

		row = frappe.db.get_value("Opportunity", doc.name, list(FORGED), as_dict=True)
		self.assertGreater(str(row.stage_entered_on), "2020-01-01", "set when it entered its first stage")
		self.assertEqual((row.stage_stay_seconds, row.stage_stays, row.board_rank), (0, 0, 0))
		self.assertEqual((row.card_labels or "", row.follower_count), ("", 0))

	def test_a_real_move_still_updates_them(self):
		opp = make_opportunity()
		opp.sales_stage = "Qualification"
		opp.save()
		self.assertEqual(opp.reload().stage_stays, 1)


class TestStageHistoryIsNotWritable(FrappeTestCase):
	"""No one writes the stage history as a document, not even the Administrator."""

	def test_insert_update_and_delete_are_refused(self):
		opp = make_opportunity()
		opp.sales_stage = "Qualification"
		opp.save()
		row = frappe.get_last_doc("Opportunity Stage History", filters={"opportunity": opp.name})

		with self.assertRaises(frappe.PermissionError):
			rest_insert(
				{
					"doctype": "Opportunity Stage History",
					"opportunity": opp.name,
					"to_stage": "Won",
					"changed_on": "2000-01-01 00:00:00",
				}
			)
		with self.assertRaises(frappe.PermissionError):
			rest_update("Opportunity Stage History", row.name, {"to_stage": "Won"})
		with self.assertRaises(frappe.PermissionError):
			frappe.delete_doc("Opportunity Stage History", row.name)
		self.assertEqual(
			frappe.db.get_value("Opportunity Stage History", row.name, "to_stage"), "Qualification"
		)

	def test_deleting_the_opportunity_still_removes_its_history(self):
		opp = make_opportunity()
		opp.sales_stage = "Qualification"
		opp.save()
		frappe.delete_doc("Opportunity", opp.name)
		self.assertFalse(frappe.db.exists("Opportunity Stage History", {"opportunity": opp.name}))
