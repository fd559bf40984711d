# Copyright (c) 2026, Opportunity Plus Contributors
# License: GNU General Public License v3. See license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import cint

from opportunity_plus.messages import bold
from opportunity_plus.queries.pipeline import (
	count_opportunities_by_stage,
	describe_usage,
	get_default_pipeline,
	set_default_pipeline,
	stage_from_row,
)
from opportunity_plus.rules import RuleError
from opportunity_plus.rules.colors import check_color
from opportunity_plus.rules.opportunity_code import abbreviate
from opportunity_plus.rules.pipeline import removed_stages, validate_pipeline


class SalesPipeline(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from opportunity_plus.opportunity_plus.doctype.sales_pipeline_stage.sales_pipeline_stage import (
			SalesPipelineStage,
		)

		abbreviation: DF.Data | None
		description: DF.SmallText | None
		disabled: DF.Check
		is_default: DF.Check
		pipeline_name: DF.Data
		quotation_stage: DF.Link | None
		stages: DF.Table[SalesPipelineStage]

	# end: auto-generated types
	def validate(self):
		if not self.abbreviation:
			self.abbreviation = abbreviate(self.pipeline_name)
		try:
			validate_pipeline([stage_from_row(row) for row in self.stages], self.quotation_stage)
			for row in self.stages:
				check_color(row.color, row.sales_stage)
		except RuleError as e:
			frappe.throw(e.translated(_), title=_("Invalid Sales Pipeline"))
		self.validate_default()
		self.validate_removed_stages()
		self.validate_disabled()

	def on_update(self):
		if self.is_default:
			set_default_pipeline(self.name)

	def on_trash(self):
		if self.is_default:
			frappe.throw(
				_(
					"{0} is the default sales pipeline. Make another pipeline the default before deleting it."
				).format(bold(self.name)),
				title=_("Cannot Delete Pipeline"),
			)
		counts = count_opportunities_by_stage(self.name)
		if counts:
			frappe.throw(
				_(
					"Sales pipeline {0} is used by {1} opportunities ({2}). Move them to another pipeline first."
				).format(
					bold(self.name),
					cint(sum(counts.values())),
					describe_usage(self.name, counts),  # safe-html: links whose labels it escapes
				),
				frappe.LinkExistsError,
				title=_("Cannot Delete Pipeline"),
			)

	def validate_default(self):
		before = self.get_doc_before_save()
		if before and before.is_default and not self.is_default:
			frappe.throw(
				_("There must always be one default pipeline: make another pipeline the default instead."),
				title=_("Default Pipeline"),
			)
		if not self.is_default and not self.disabled and not get_default_pipeline():
			self.is_default = 1

	def validate_removed_stages(self):
		before = self.get_doc_before_save()
		if not before:
			return
		removed = removed_stages(
			[row.sales_stage for row in before.stages], [row.sales_stage for row in self.stages]
		)
		counts = count_opportunities_by_stage(self.name, removed)
		if counts:
			frappe.throw(
				_(
					"These stages cannot be removed because opportunities are in them: {0}. Move them to another stage first."
				).format(describe_usage(self.name, counts)),  # safe-html: links escaped by describe_usage
				frappe.LinkExistsError,
				title=_("Stage in Use"),
			)

	def validate_disabled(self):
		if not self.disabled:
			return
		if self.is_default:
			frappe.throw(_("The default pipeline cannot be disabled."), title=_("Default Pipeline"))
		counts = count_opportunities_by_stage(self.name, open_only=True)
		if counts:
			frappe.throw(
				_(
					"Sales pipeline {0} still has {1} open opportunities ({2}). Close or move them before disabling it."
				).format(
					bold(self.name),
					cint(sum(counts.values())),
					describe_usage(self.name, counts),  # safe-html: links whose labels it escapes
				),
				title=_("Pipeline in Use"),
			)
