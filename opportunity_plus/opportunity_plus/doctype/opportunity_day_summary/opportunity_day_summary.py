# Copyright (c) 2026, Opportunity Plus Contributors
# License: GNU General Public License v3. See license.txt

from frappe.model.document import Document


class OpportunityDaySummary(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		amount: DF.Float
		came_back: DF.Int
		company: DF.Link | None
		day: DF.Date | None
		days_to_close: DF.Int
		detail: DF.Data | None
		dimension: DF.Literal[
			"Stage", "Owner", "Source", "Territory", "Stay", "Lost Reason", "Competitor", "Forecast"
		]
		first_leaves: DF.Int
		first_leaves_back: DF.Int
		name: DF.Int | None
		opportunities: DF.Int
		predicted_weighted: DF.Float
		sales_pipeline: DF.Link | None
		stay_seconds: DF.Float
		stays: DF.Int
		status: DF.Data | None
		value: DF.Data | None
		weighted: DF.Float
	# end: auto-generated types
	"""The Opportunity Analysis's figures of one company, day, pipeline, status and group. Written
	only by ``opportunity_plus.day_summaries.refresh`` from the opportunities (whole days at a time)
	and read by the report; nobody edits them."""
