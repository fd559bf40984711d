# Copyright (c) 2026, Opportunity Plus Contributors
# License: GNU General Public License v3. See license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from opportunity_plus.queries.pipeline import get_default_pipeline, set_default_pipeline
from opportunity_plus.rules import RuleError
from opportunity_plus.rules.opportunity_code import KEYWORDS, example, parse_template, validate_counter_start


class OpportunityPlusSettings(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		allow_code_edit: DF.Check
		code_counter_start: DF.Int
		code_template: DF.Data
		default_pipeline: DF.Link | None
		digest_by_default: DF.Check
		enable_reminders: DF.Check
		remind_days_before_closing: DF.Int
		remind_followers: DF.Check
		remind_stale: DF.Check
		repeat_overdue_daily: DF.Check

	# end: auto-generated types
	@property
	def code_example(self):
		try:
			return example(self.code_template, self.code_counter_start or 1)
		except RuleError:
			return ""

	def onload(self):
		self.set_onload(
			"code_keywords",
			[
				{"keyword": "{" + keyword + "}", "description": _(description), "example": sample}
				for keyword, (description, sample) in KEYWORDS.items()
			],
		)

	def validate(self):
		try:
			parse_template(self.code_template)
			validate_counter_start(self.code_counter_start)
		except RuleError as e:
			frappe.throw(e.translated(_), title=_("Opportunity Code"))
		if not self.default_pipeline:
			self.default_pipeline = get_default_pipeline()
		if self.default_pipeline and frappe.db.get_value("Sales Pipeline", self.default_pipeline, "disabled"):
			frappe.throw(_("A disabled pipeline cannot be the default."), title=_("Default Pipeline"))

	def on_update(self):
		if self.default_pipeline and not frappe.db.get_value(
			"Sales Pipeline", self.default_pipeline, "is_default"
		):
			set_default_pipeline(self.default_pipeline)
