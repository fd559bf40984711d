# Copyright (c) 2026, Opportunity Plus Contributors
# License: GNU General Public License v3. See license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from opportunity_plus.overrides.card_summary import forget_label_colours, rebuild_card_summaries
from opportunity_plus.rules import RuleError
from opportunity_plus.rules.colors import check_color


class OpportunityLabel(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		color: DF.Color | None
		description: DF.SmallText | None
		label_name: DF.Data

	# end: auto-generated types
	def validate(self):
		try:
			check_color(self.color, self.label_name or self.name)
		except RuleError as e:
			frappe.throw(e.translated(_), title=_("Opportunity Label"))

	def on_update(self):
		forget_label_colours()

	def on_trash(self):
		forget_label_colours()

	def after_rename(self, old: str, new: str, merge: bool = False):
		"""Frappe has renamed the label in the opportunities' Labels tables; their cards follow."""
		rebuild_card_summaries(label=new)
		forget_label_colours()
