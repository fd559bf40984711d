"""Hooks run by bench when the app is installed, migrated or uninstalled."""

import frappe

from opportunity_plus.day_summaries.refresh import rebuild as rebuild_day_summaries
from opportunity_plus.overrides.opportunity_code import delete_counters
from opportunity_plus.overrides.stage_keys import backfill_keys, drop_sequences, make_sequences
from opportunity_plus.setup.custom_fields import (
	delete_custom_fields,
	make_custom_fields,
	make_property_setters,
)
from opportunity_plus.setup.default_pipeline import (
	CREATED_STAGES_KEY,
	adopt_existing_opportunities,
	get_created_sales_stages,
	make_default_pipeline,
)
from opportunity_plus.setup.indexes import drop_indexes, make_indexes
from opportunity_plus.setup.permissions import grant_permissions, revoke_permissions
from opportunity_plus.setup.sample_template import make_sample_template


def after_install() -> None:
	after_migrate()
	backfill_keys()  # opportunities and stages the site had before the app
	rebuild_day_summaries()  # the report's sums of those opportunities
	make_sample_template()


def after_migrate() -> None:
	"""Idempotent: safe on install, every migrate and a reinstall."""
	make_custom_fields()
	make_property_setters()
	make_sequences()
	make_indexes()
	grant_permissions()
	make_default_pipeline()
	adopt_existing_opportunities()


def before_uninstall() -> None:
	"""Leave the site as it was: no custom field, property setter or record of ours remains."""
	drop_indexes()
	drop_sequences()
	delete_custom_fields()
	delete_counters()
	delete_created_sales_stages()
	delete_template_files()
	revoke_permissions()


def delete_template_files() -> None:
	"""The uploaded Word templates go with their doctype (install code, run by the administrator)."""
	for name in frappe.get_all("File", {"attached_to_doctype": "Opportunity Template"}, pluck="name"):
		frappe.delete_doc("File", name, force=True, ignore_permissions=True)


def delete_created_sales_stages() -> None:
	"""Delete the Sales Stages we created, unless opportunities still use them."""
	opp = frappe.qb.DocType("Opportunity")
	for stage in get_created_sales_stages():
		in_use = frappe.qb.from_(opp).select(opp.name).where(opp.sales_stage == stage).limit(1).run()
		if not in_use and frappe.db.exists("Sales Stage", stage):
			frappe.db.delete("Sales Stage", {"name": stage})
	frappe.db.delete("DefaultValue", {"parent": "__default", "defkey": CREATED_STAGES_KEY})
