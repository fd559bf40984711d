# Copyright (c) 2026, Opportunity Plus Contributors
# License: GNU General Public License v3. See license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from opportunity_plus.queries.pipeline import get_default_pipeline, set_default_pipeline
from opportunity_plus.rules import RuleError
from opportunity_plus.rules.opportunity_code import KEYWORDS, example, parse_template, validate_counter_start
from opportunity_plus.win_prediction.training import enqueue_training

# figures written by the win prediction's training only: a save of the form keeps the stored ones
WIN_PREDICTION_FIGURES = (
	"win_prediction_status",
	"win_prediction_trained_on",
	"win_prediction_closed",
	"win_prediction_training_seconds",
	"win_prediction_split_date",
	"win_prediction_test_size",
	"win_prediction_brier",
	"win_prediction_brier_stage",
	"win_prediction_auc",
	"win_prediction_auc_stage",
	"win_prediction_model",
)
# changing one of these retrains (and shows, hides or refreshes every prediction)
WIN_PREDICTION_SETTINGS = ("show_win_prediction", "win_prediction_min_closed", "win_prediction_min_group")


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
		show_win_prediction: DF.Check
		win_prediction_auc: DF.Float
		win_prediction_auc_stage: DF.Float
		win_prediction_brier: DF.Float
		win_prediction_brier_stage: DF.Float
		win_prediction_closed: DF.Int
		win_prediction_min_closed: DF.Int
		win_prediction_min_group: DF.Int
		win_prediction_model: DF.JSON | None
		win_prediction_split_date: DF.Datetime | None
		win_prediction_status: DF.Literal[
			"Not Trained", "Not Enough History", "Not Better Than Stage Default", "Shown", "Switched Off"
		]
		win_prediction_test_size: DF.Int
		win_prediction_trained_on: DF.Datetime | None
		win_prediction_training_seconds: DF.Float

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
		before = self.get_doc_before_save()
		for fieldname in WIN_PREDICTION_FIGURES:
			self.set(fieldname, before.get(fieldname) if before else None)
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
		before = self.get_doc_before_save()
		if before and any(before.get(f) != self.get(f) for f in WIN_PREDICTION_SETTINGS):
			enqueue_training()
		if self.default_pipeline and not frappe.db.get_value(
			"Sales Pipeline", self.default_pipeline, "is_default"
		):
			set_default_pipeline(self.default_pipeline)
