# Copyright (c) 2026, Opportunity Plus Contributors
# License: GNU General Public License v3. See license.txt

from frappe.model.document import Document


class OpportunitySummaryRefresh(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		company: DF.Link | None
		day: DF.Date | None
		kind: DF.Literal["Opportunity Date", "Expected Closing Month"]
		name: DF.Int | None
	# end: auto-generated types
	"""A day whose Opportunity Day Summary rows are out of date. Added in the transaction of every
	change to an opportunity (``opportunity_plus.day_summaries.marks``), removed by the job that
	recomputes that day; until then the report counts the day from the opportunities themselves."""
