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

	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		include_closing_soon: DF.Check
		include_followed: DF.Check
		include_overdue: DF.Check
		include_stale: DF.Check
		receive_digest: DF.Check
		user: DF.Link
	# end: auto-generated types

	def before_insert(self):
		self.user = self.user or frappe.session.user
		self.check_own()
		self.owner = self.user  # so that if_owner gives the person, and only them, their preference

	def validate(self):
		self.check_own()

	def check_own(self):
		if self.user != frappe.session.user and ADMIN_ROLE not in frappe.get_roles():
			frappe.throw(_("You can only choose your own reminders."), frappe.PermissionError)
