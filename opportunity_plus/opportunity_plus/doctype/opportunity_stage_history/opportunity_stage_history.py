# Copyright (c) 2026, Opportunity Plus Contributors
# License: GNU General Public License v3. See license.txt

from frappe.model.document import Document


class OpportunityStageHistory(Document):
	pass
