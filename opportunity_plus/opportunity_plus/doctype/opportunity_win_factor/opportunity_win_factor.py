# Copyright (c) 2026, Opportunity Plus Contributors
# License: GNU General Public License v3. See license.txt

from frappe.model.document import Document


class OpportunityWinFactor(Document):
	"""One value of one factor of the win prediction, with how many closed opportunities holding it
	were won and lost. Written only by training (``opportunity_plus.win_prediction.training``), which
	replaces every row at once; nobody edits them by hand."""
