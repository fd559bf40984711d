import frappe
from frappe.tests.utils import FrappeTestCase

from opportunity_plus.tests.utils import make_opportunity, make_user

FOLLOWER = "opp-plus-follower@example.com"


class TestFollowers(FrappeTestCase):
	def setUp(self):
		# a desk user with no role that grants Opportunity: only a share lets them in
		make_user(FOLLOWER, ["Purchase User"])

	def tearDown(self):
		frappe.set_user("Administrator")

	def visible_to_follower(self, name: str) -> tuple[bool, bool]:
		frappe.set_user(FOLLOWER)
		try:
			can_open = bool(frappe.has_permission("Opportunity", "read", name))
			try:
				listed = bool(frappe.get_list("Opportunity", filters={"name": name}, pluck="name"))
			except frappe.PermissionError:  # nothing of the doctype is readable at all
				listed = False
			return can_open, listed
		finally:
			frappe.set_user("Administrator")

	def test_follower_sees_and_follows_and_loses_both_when_removed(self):
		opp = make_opportunity()
		self.assertEqual(self.visible_to_follower(opp.name), (False, False))

		opp.append("opportunity_followers", {"user": FOLLOWER})
		opp.save()
		self.assertEqual(self.visible_to_follower(opp.name), (True, True))
		share = frappe.db.get_value(
			"DocShare",
			{"share_doctype": "Opportunity", "share_name": opp.name, "user": FOLLOWER},
			["read", "write"],
		)
		self.assertEqual(share, (1, 1))
		self.assertTrue(
			frappe.db.exists(
				"Document Follow", {"ref_doctype": "Opportunity", "ref_docname": opp.name, "user": FOLLOWER}
			)
		)

		frappe.set_user(FOLLOWER)
		follower_copy = frappe.get_doc("Opportunity", opp.name)
		follower_copy.title = "Edited by follower"
		follower_copy.save()
		frappe.set_user("Administrator")

		opp.reload()
		opp.set("opportunity_followers", [])
		opp.save()
		self.assertEqual(self.visible_to_follower(opp.name), (False, False))
		self.assertFalse(
			frappe.db.exists(
				"Document Follow", {"ref_doctype": "Opportunity", "ref_docname": opp.name, "user": FOLLOWER}
			)
		)

	def test_owner_stays_the_single_responsible_person(self):
		opp = make_opportunity(opportunity_owner="Administrator")
		opp.append("opportunity_followers", {"user": FOLLOWER})
		opp.save()
		self.assertEqual(opp.reload().opportunity_owner, "Administrator")
