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


SALES = "opp-plus-follow-sales@example.com"
WEBSITE = "opp-plus-follow-website@example.com"
DISABLED = "opp-plus-follow-disabled@example.com"
REFUSED = "cannot follow opportunities: only enabled desk users can."


def share_of(name: str, user: str):
	return frappe.db.get_value(
		"DocShare",
		{"share_doctype": "Opportunity", "share_name": name, "user": user},
		["read", "write", "share"],
		as_dict=True,
	)


class TestWhoMayFollow(FrappeTestCase):
	"""Only enabled desk users follow, and only someone who may share the opportunity adds them."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user(FOLLOWER, ["Purchase User"])
		make_user(SALES, ["Sales User"])
		make_user(WEBSITE, [])  # no desk role: Frappe makes it a Website User
		disabled = make_user(DISABLED, ["Sales User"])
		disabled.enabled = 0
		disabled.save(ignore_permissions=True)

	def tearDown(self):
		frappe.set_user("Administrator")

	def add_as(self, user: str, opp, follower: str):
		frappe.set_user(user)
		try:
			doc = frappe.get_doc("Opportunity", opp.name)
			doc.append("opportunity_followers", {"user": follower})
			doc.save()
		finally:
			frappe.set_user("Administrator")

	def test_guest_website_disabled_and_unknown_users_are_refused_alike(self):
		from opportunity_plus.api import bulk

		opp = make_opportunity()
		for user in ("Guest", WEBSITE, DISABLED, "nobody-at-all@example.com"):
			with self.subTest(user=user):
				with self.assertRaises(frappe.ValidationError) as refused:
					self.add_as(SALES, opp, user)
				if user != "nobody-at-all@example.com":  # the form's link check speaks first for that one
					self.assertIn(REFUSED, str(refused.exception))
				# the list's bulk action says the same, before touching any opportunity
				frappe.set_user(SALES)
				with self.assertRaises(frappe.ValidationError) as refused_in_bulk:
					bulk.add_follower([opp.name], [user])
				frappe.set_user("Administrator")
				self.assertIn(REFUSED, str(refused_in_bulk.exception))
				self.assertIsNone(share_of(opp.name, user))
		self.assertFalse(opp.reload().opportunity_followers)

	def test_guest_never_reads_a_followed_opportunity(self):
		opp = make_opportunity()
		with self.assertRaises(frappe.ValidationError):
			self.add_as(SALES, opp, "Guest")
		self.assertFalse(frappe.has_permission("Opportunity", "read", opp.name, user="Guest"))

	def test_a_sales_user_adds_a_desk_user_who_then_may_not_add_others(self):
		opp = make_opportunity()
		self.add_as(SALES, opp, FOLLOWER)
		self.assertEqual((share_of(opp.name, FOLLOWER).read, share_of(opp.name, FOLLOWER).write), (1, 1))
		self.assertEqual(share_of(opp.name, FOLLOWER).share, 0)

		# the follower's share has no "share" right: they cannot bring in anyone else
		with self.assertRaises(frappe.PermissionError):
			self.add_as(FOLLOWER, opp, SALES)
		self.assertEqual([row.user for row in opp.reload().opportunity_followers], [FOLLOWER])

	def test_a_share_made_by_hand_is_neither_rewritten_nor_removed(self):
		from frappe.share import add_docshare

		opp = make_opportunity()
		add_docshare("Opportunity", opp.name, FOLLOWER, read=1, write=0, share=1)
		self.add_as(SALES, opp, FOLLOWER)
		kept = share_of(opp.name, FOLLOWER)
		self.assertEqual((kept.read, kept.write, kept.share), (1, 0, 1))

		opp.reload()
		opp.set("opportunity_followers", [])
		opp.save()
		kept = share_of(opp.name, FOLLOWER)
		self.assertEqual((kept.read, kept.write, kept.share), (1, 0, 1), "the hand-made share stays")

	def test_a_request_cannot_mark_a_share_as_made_by_the_app(self):
		from frappe.share import add_docshare

		opp = make_opportunity()
		add_docshare("Opportunity", opp.name, FOLLOWER, read=1, share=1)
		frappe.set_user(SALES)
		doc = frappe.get_doc("Opportunity", opp.name)
		doc.append("opportunity_followers", {"user": FOLLOWER, "share_created": 1})
		doc.save()
		frappe.set_user("Administrator")
		self.assertEqual(opp.reload().opportunity_followers[0].share_created, 0)

		opp.set("opportunity_followers", [])
		opp.save()
		self.assertIsNotNone(share_of(opp.name, FOLLOWER), "removing the follower left the share alone")

	def test_document_sharing_disabled_stops_new_followers(self):
		opp = make_opportunity()
		frappe.db.set_single_value("System Settings", "disable_document_sharing", 1)
		frappe.clear_cache()
		try:
			with self.assertRaises(frappe.PermissionError):
				self.add_as(SALES, opp, FOLLOWER)
		finally:
			frappe.db.set_single_value("System Settings", "disable_document_sharing", 0)
			frappe.clear_cache()
		self.assertIsNone(share_of(opp.name, FOLLOWER))


class TestFollowerPatch(FrappeTestCase):
	"""Followers made before the rule: the refused ones go, with the share the app made for them."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user(FOLLOWER, ["Purchase User"])
		make_user(WEBSITE, [])

	def old_style_follower(self, opp, user: str, share: dict | None):
		"""What the app did before the rule: a follower row and, at the same time, a share."""
		row = frappe.get_doc(
			{
				"doctype": "Opportunity Follower",
				"parent": opp.name,
				"parenttype": "Opportunity",
				"parentfield": "opportunity_followers",
				"user": user,
				"idx": 1,
			}
		)
		row.db_insert()
		if share is not None:
			frappe.get_doc(
				{
					"doctype": "DocShare",
					"share_doctype": "Opportunity",
					"share_name": opp.name,
					"user": user,
					**share,
				}
			).db_insert()

	def test_refused_followers_and_their_app_shares_go_hand_made_shares_stay(self):
		from opportunity_plus.patches.v1_2 import refuse_followers_who_may_not_follow as patch

		guest_opp, website_opp, kept_opp = make_opportunity(), make_opportunity(), make_opportunity()
		self.old_style_follower(guest_opp, "Guest", {"read": 1, "write": 1})
		self.old_style_follower(website_opp, WEBSITE, {"read": 1, "write": 0, "share": 1})  # by hand
		self.old_style_follower(kept_opp, FOLLOWER, {"read": 1, "write": 1})

		patch.execute()

		self.assertFalse(guest_opp.reload().opportunity_followers)
		self.assertIsNone(share_of(guest_opp.name, "Guest"))
		self.assertFalse(frappe.has_permission("Opportunity", "read", guest_opp.name, user="Guest"))
		self.assertFalse(website_opp.reload().opportunity_followers)
		self.assertIsNotNone(share_of(website_opp.name, WEBSITE), "a share made by hand is kept")
		kept = kept_opp.reload().opportunity_followers
		self.assertEqual([(row.user, row.share_created) for row in kept], [(FOLLOWER, 1)])
