import frappe
from frappe.tests.utils import FrappeTestCase

from opportunity_plus.setup.permissions import grant_permissions, revoke_permissions
from opportunity_plus.tests.utils import make_user

SALES = "opp-plus-stage-picker@example.com"


class TestSetupPermissions(FrappeTestCase):
	def test_a_sales_user_may_pick_a_sales_stage_and_no_more(self):
		make_user(SALES, ["Sales User"])
		self.assertTrue(frappe.has_permission("Sales Stage", "select", user=SALES))
		self.assertFalse(frappe.has_permission("Sales Stage", "read", user=SALES))
		self.assertFalse(frappe.has_permission("Sales Stage", "write", user=SALES))

	def test_uninstall_takes_back_only_what_install_gave(self):
		make_user(SALES, ["Sales User"])
		revoke_permissions()
		frappe.clear_cache()
		self.assertFalse(frappe.has_permission("Sales Stage", "select", user=SALES))
		self.assertTrue(frappe.has_permission("Sales Stage", "write", user="Administrator"))
		grant_permissions()
		frappe.clear_cache()
		self.assertTrue(frappe.has_permission("Sales Stage", "select", user=SALES))
