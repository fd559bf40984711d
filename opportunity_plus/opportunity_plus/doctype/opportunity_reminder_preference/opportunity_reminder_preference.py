# Copyright (c) 2026, Opportunity Plus Contributors
# License: GNU General Public License v3. See license.txt

import frappe
from frappe import _
from frappe.model.document import Document

ADMIN_ROLE = "System Manager"


class OpportunityReminderPreference(Document):
	"""One person's choice of what their daily digest holds (named after the user).

	Everyone reads and writes only their own (``if_owner``: the document's owner is its user);
	a System Manager may set anyone's."""

	def before_insert(self):
		self.user = self.user or frappe.session.user
		self.check_own()
		self.owner = self.user  # so that if_owner gives the person, and only them, their preference

	def validate(self):
		self.check_own()

	def check_own(self):
		if self.user != frappe.session.user and ADMIN_ROLE not in frappe.get_roles():
			frappe.throw(_("You can only choose your own reminders."), frappe.PermissionError)
