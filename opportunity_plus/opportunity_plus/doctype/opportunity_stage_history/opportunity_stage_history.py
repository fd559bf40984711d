# Copyright (c) 2026, Opportunity Plus Contributors
# License: GNU General Public License v3. See license.txt

import frappe
from frappe import _
from frappe.model.document import Document


class OpportunityStageHistory(Document):
	"""One stage change of an opportunity, written by the app when the opportunity is saved
	(``opportunity_plus.overrides.stage_history``) and removed with the opportunity.

	The history is a record of what happened: no one changes it as a document, through the desk or
	REST, whatever their role (the app writes its rows directly, with no document save)."""

	def before_insert(self):
		refuse_change()

	def validate(self):
		refuse_change()

	def on_trash(self):
		refuse_change()


def refuse_change():
	frappe.throw(
		_("The stage history is kept by Opportunity Plus: it changes only when an opportunity moves."),
		frappe.PermissionError,
		title=_("Not Permitted"),
	)
