# Copyright (c) 2026, Opportunity Plus Contributors
# License: GNU General Public License v3. See license.txt

from frappe.model.document import Document


class SalesPipelineStage(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		color: DF.Color | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		probability: DF.Percent
		require_amount: DF.Check
		require_lost_reasons: DF.Check
		require_submitted_quotation: DF.Check
		sales_stage: DF.Link
		stage_type: DF.Literal["Open", "Won", "Lost"]
		stale_after_days: DF.Int
	# end: auto-generated types
	pass
