# Copyright (c) 2026, Opportunity Plus Contributors
# License: GNU General Public License v3. See license.txt

from frappe.model.document import Document


class OpportunityStageStay(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		company: DF.Link | None
		first_leave: DF.Check
		in_stage_now: DF.Check
		name: DF.Int | None
		opportunity: DF.Link | None
		opportunity_key: DF.Int
		sales_pipeline: DF.Link | None
		sales_stage: DF.Link | None
		seconds_in_stage: DF.Duration | None
		stage_key: DF.Int
		stays: DF.Int
		transaction_date: DF.Date | None
	# end: auto-generated types
	"""What one opportunity spent in one stage of one pipeline it has left, summed over its stays.
	Written only by the server on every stage move (``opportunity_plus.overrides.stays_by_stage``) and
	rebuilt from the stage history by a patch; nobody edits them by hand."""
