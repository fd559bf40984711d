# Copyright (c) 2026, Opportunity Plus Contributors
# License: GNU General Public License v3. See license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from opportunity_plus.messages import bold
from opportunity_plus.opportunity_plus.doctype.opportunity_template.rendering import (
	TemplateProblem,
	check_template,
	placeholders,
)


class OpportunityTemplate(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.core.doctype.has_role.has_role import HasRole
		from frappe.types import DF

		description: DF.SmallText | None
		enabled: DF.Check
		roles: DF.TableMultiSelect[HasRole]
		template_file: DF.Attach
		template_name: DF.Data

	# end: auto-generated types
	def onload(self):
		self.set_onload("placeholders", placeholders())

	def validate(self):
		self.check_file_permission()
		if self.template_file:
			try:
				check_template(self.template_file, self.template_name or self.name)
			except TemplateProblem as e:
				frappe.throw(e.message, title=_("Opportunity Template"))

	def check_file_permission(self):
		"""The uploaded file must be one the person saving the template may read: a template is not a
		way to hand someone else's private file to everybody who exports with it."""
		if not self.template_file or not self.has_value_changed("template_file"):
			return
		file_name = frappe.db.get_value(
			"File", {"file_url": self.template_file}, "name", order_by="creation desc"
		)
		if file_name and not frappe.has_permission("File", "read", file_name):
			frappe.throw(
				_("You may not read the file {0}.").format(bold(self.template_file)),
				frappe.PermissionError,
				title=_("Opportunity Template"),
			)
