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

	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		changed_by: DF.Link | None
		changed_on: DF.Datetime
		first_leave: DF.Check
		first_leave_in_pipeline: DF.Check
		from_stage: DF.Link | None
		from_stage_entered_on: DF.Datetime | None
		name: DF.Int | None
		opportunity: DF.Link
		reference_doctype: DF.Link | None
		reference_name: DF.DynamicLink | None
		sales_pipeline: DF.Link | None
		seconds_in_from_stage: DF.Duration | None
		to_stage: DF.Link
		via: DF.Data | None
	# end: auto-generated types

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
