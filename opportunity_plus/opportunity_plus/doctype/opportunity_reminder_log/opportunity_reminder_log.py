# Copyright (c) 2026, Opportunity Plus Contributors
# License: GNU General Public License v3. See license.txt

from frappe.model.document import Document


class OpportunityReminderLog(Document):
	"""One reminder reported about an opportunity: unique per opportunity, event and event key.

	The daily job writes these in bulk (``opportunity_plus.jobs.reminders.remember``), with
	the same key and ``last_sent_on`` as below."""

	def before_validate(self):
		self.reminder_key = f"{self.opportunity}|{self.reminder_event}|{self.event_key}"
		self.last_sent_on = self.get("last_sent_on") or self.sent_on
