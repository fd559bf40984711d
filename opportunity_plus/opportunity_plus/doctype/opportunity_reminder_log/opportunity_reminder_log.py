# Copyright (c) 2026, Opportunity Plus Contributors
# License: GNU General Public License v3. See license.txt

from frappe.model.document import Document


class OpportunityReminderLog(Document):
	"""One reminder reported about an opportunity: unique per opportunity, event and event key.

	The daily job writes these in bulk (``opportunity_plus.jobs.reminders.remember``), with
	the same key and ``last_sent_on`` as below."""

	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		event_key: DF.Data
		last_sent_on: DF.Date | None
		opportunity: DF.Link
		recipients: DF.SmallText | None
		reminder_event: DF.Literal["Closing Soon", "Overdue", "Stale"]
		reminder_key: DF.Data | None
		sent_on: DF.Date
	# end: auto-generated types

	def before_validate(self):
		self.reminder_key = f"{self.opportunity}|{self.reminder_event}|{self.event_key}"
		self.last_sent_on = self.get("last_sent_on") or self.sent_on
