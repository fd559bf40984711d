app_name = "opportunity_plus"
app_title = "Opportunity Plus"
app_publisher = "Opportunity Plus Contributors"
app_description = "Sales pipelines, kanban board and analysis on ERPNext Opportunity"
app_email = "developers@example.com"
app_license = "gpl-3.0"

required_apps = ["frappe/erpnext"]

# Typing: saving a doctype in developer mode writes its fields as type hints into its controller
# (the "auto-generated types" block); every whitelisted method annotates each parameter (Frappe
# checks request arguments against the annotations)
export_python_type_annotations = True
require_type_annotated_api_methods = True

# Install, migrate, uninstall
after_install = "opportunity_plus.setup.install.after_install"
after_migrate = "opportunity_plus.setup.install.after_migrate"
before_uninstall = "opportunity_plus.setup.install.before_uninstall"

# Desk
doctype_js = {"Opportunity": ["public/js/opportunity.js", "public/js/opportunity_templates.js"]}
doctype_list_js = {"Opportunity": ["public/js/opportunity_list.js", "public/js/opportunity_templates.js"]}

override_doctype_dashboards = {
	"Opportunity": "opportunity_plus.overrides.dashboard.get_dashboard_data",
}

# Document events on ERPNext's doctypes
doc_events = {
	"Opportunity": {
		"onload": "opportunity_plus.overrides.opportunity.onload",
		"validate": "opportunity_plus.overrides.opportunity.validate",
		"on_update": "opportunity_plus.overrides.opportunity.on_update",
		# after every save and ERPNext's db_set: the day summaries of its days are out of date
		"on_change": "opportunity_plus.day_summaries.marks.mark_opportunity",
		"on_trash": [
			"opportunity_plus.overrides.opportunity.on_trash",
			"opportunity_plus.day_summaries.marks.mark_opportunity",
		],
	},
	"Quotation": {
		"validate": "opportunity_plus.overrides.linked_documents.validate_sales_document",
		"before_submit": "opportunity_plus.overrides.linked_documents.before_submit_sales_document",
		"on_submit": "opportunity_plus.overrides.sales_flow.quotation_on_submit",
		"on_cancel": "opportunity_plus.overrides.sales_flow.quotation_on_cancel",
		"on_update_after_submit": "opportunity_plus.overrides.sales_flow.quotation_on_update_after_submit",
	},
	"Sales Order": {
		# link the order to its quotation's opportunity first, then check every linked opportunity
		"validate": [
			"opportunity_plus.overrides.sales_flow.sales_order_validate",
			"opportunity_plus.overrides.linked_documents.validate_sales_document",
		],
		"before_submit": "opportunity_plus.overrides.linked_documents.before_submit_sales_document",
		"on_submit": "opportunity_plus.overrides.sales_flow.sales_order_on_submit",
		"on_cancel": "opportunity_plus.overrides.sales_flow.sales_order_on_cancel",
	},
	"Sales Stage": {
		"validate": "opportunity_plus.overrides.stage_keys.keep_stage_key",
		"after_rename": "opportunity_plus.day_summaries.marks.after_rename",
	},
	# Frappe renames their links in the opportunities with plain SQL: the day summaries follow
	"Company": {"after_rename": "opportunity_plus.day_summaries.marks.after_rename"},
	"Sales Pipeline": {"after_rename": "opportunity_plus.day_summaries.marks.after_rename"},
	"User": {"after_rename": "opportunity_plus.day_summaries.marks.after_rename"},
	"Lead Source": {"after_rename": "opportunity_plus.day_summaries.marks.after_rename"},
	"Territory": {"after_rename": "opportunity_plus.day_summaries.marks.after_rename"},
	"Opportunity Lost Reason": {"after_rename": "opportunity_plus.day_summaries.marks.after_rename"},
	"Competitor": {"after_rename": "opportunity_plus.day_summaries.marks.after_rename"},
	"Contract": {"validate": "opportunity_plus.overrides.linked_documents.validate_opportunity_link"},
	"Issue": {"validate": "opportunity_plus.overrides.linked_documents.validate_opportunity_link"},
	"Project": {"validate": "opportunity_plus.overrides.linked_documents.validate_opportunity_link"},
	"Task": {"validate": "opportunity_plus.overrides.linked_documents.validate_opportunity_link"},
}

# Permissions
permission_query_conditions = {
	"Opportunity Stage History": "opportunity_plus.queries.stage_history_permission.stage_history_query_conditions",
}
has_permission = {
	"Opportunity Stage History": "opportunity_plus.queries.stage_history_permission.stage_history_has_permission",
}

# Reminders: expected closing near or past, stale in stage (once per event)
scheduler_events = {
	# the day summaries of days changed since the last refresh (normally done right after the change)
	"all": ["opportunity_plus.day_summaries.refresh.refresh_marked"],
	"daily_long": [
		"opportunity_plus.jobs.reminders.send_daily_reminders",
		# the predicted win probability learns from the opportunities won and lost since
		"opportunity_plus.win_prediction.training.scheduled_training",
	],
}
# an opportunity can be deleted although reminders were sent about it
ignore_links_on_delete = ["Opportunity Reminder Log", "Opportunity Stage History", "Opportunity Stage Stay"]

# Tests
before_tests = "opportunity_plus.tests.utils.before_tests"
