# Copyright (c) 2026, Opportunity Plus Contributors
# License: GNU General Public License v3. See license.txt

from frappe.model.document import Document


class OpportunityWinFactor(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		contribution: DF.Float
		factor: DF.Data | None
		lost: DF.Int
		sales_pipeline: DF.Link | None
		usual_days: DF.Float
		value: DF.Data | None
		win_ratio: DF.Float
		won: DF.Int
	# end: auto-generated types
	"""One value of one factor of the win prediction, with how many closed opportunities holding it
	were won and lost. Written only by training (``opportunity_plus.win_prediction.training``), which
	replaces every row at once; nobody edits them by hand."""
