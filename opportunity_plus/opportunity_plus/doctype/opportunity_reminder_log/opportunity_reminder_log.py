# Copyright (c) 2026, Opportunity Plus Contributors
# License: GNU General Public License v3. See license.txt

from frappe.model.document import Document


class OpportunityReminderLog(Document):
	"""One reminder sent about an opportunity: unique per opportunity, event and event key."""

	def before_validate(self):
		self.reminder_key = f"{self.opportunity}|{self.reminder_event}|{self.event_key}"
