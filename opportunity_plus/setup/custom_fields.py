"""Custom fields and property setters that opportunity_plus adds to ERPNext's doctypes."""

import frappe
from frappe.custom.doctype.custom_field.custom_field import create_custom_fields
from frappe.custom.doctype.property_setter.property_setter import make_property_setter

# Documents made from an opportunity that ERPNext gives no link back to it: (doctype, after, read only)
LINKED_DOCTYPES = [
	("Sales Order", "customer_name", 1),
	("Contract", "party_name", 0),
	("Issue", "customer", 0),
	("Project", "sales_order", 0),
	("Task", "project", 0),
]


def get_custom_fields() -> dict[str, list[dict]]:
	return {
		"Opportunity": [
			{
				"fieldname": "opportunity_code",
				"label": "Opportunity Code",
				"fieldtype": "Data",
				"insert_after": "naming_series",
				"unique": 1,
				"no_copy": 1,
				"in_standard_filter": 1,
				"in_global_search": 1,
				"in_list_view": 1,
				"translatable": 0,
			},
			{
				"fieldname": "sales_pipeline",
				"label": "Sales Pipeline",
				"fieldtype": "Link",
				"options": "Sales Pipeline",
				"insert_after": "column_break_10",
				"in_standard_filter": 1,
				"search_index": 1,
			},
			{
				"fieldname": "stage_entered_on",
				"label": "In Stage Since",
				"fieldtype": "Datetime",
				"insert_after": "probability",
				"read_only": 1,
				"no_copy": 1,
			},
			{
				"fieldname": "opportunity_labels",
				"label": "Labels",
				"fieldtype": "Table MultiSelect",
				"options": "Opportunity Label Detail",
				"insert_after": "opportunity_followers",
			},
			{
				"fieldname": "opportunity_followers",
				"label": "Followers",
				"fieldtype": "Table MultiSelect",
				"options": "Opportunity Follower",
				"insert_after": "opportunity_owner",
				"no_copy": 1,
				"description": "Followers can see and edit this opportunity and are told of its changes.",
			},
			{
				"fieldname": "board_rank",
				"label": "Board Rank",
				"fieldtype": "Float",
				"insert_after": "stage_entered_on",
				"hidden": 1,
				"no_copy": 1,
				"description": "Order of the card within its board column (lower comes first).",
			},
			{
				"fieldname": "stage_stay_seconds",
				"label": "Time in Left Stages (Seconds)",
				"fieldtype": "Int",
				"insert_after": "board_rank",
				"hidden": 1,
				"read_only": 1,
				"no_copy": 1,
				"description": "Total time spent in the stages this opportunity has left, kept on every move for the Opportunity Analysis.",
			},
			{
				"fieldname": "stage_stays",
				"label": "Left Stages",
				"fieldtype": "Int",
				"insert_after": "stage_stay_seconds",
				"hidden": 1,
				"read_only": 1,
				"no_copy": 1,
				"description": "How many times this opportunity has left a stage.",
			},
			{
				"fieldname": "predicted_win_probability",
				"label": "Predicted Win Probability",
				"fieldtype": "Percent",
				"insert_after": "stage_entered_on",
				"read_only": 1,
				"no_copy": 1,
				"in_list_view": 1,
				"description": "Learned from this site's won and lost opportunities (Opportunity Plus Settings); it never changes Probability. Empty when no prediction is shown.",
			},
			{
				"fieldname": "win_prediction_html",
				"label": "Why This Prediction",
				"fieldtype": "HTML",
				"insert_after": "predicted_win_probability",
			},
			{
				"fieldname": "probability_at_close",
				"label": "Probability When Closed",
				"fieldtype": "Data",
				"insert_after": "stage_stays",
				"hidden": 1,
				"read_only": 1,
				"no_copy": 1,
				"description": "The probability the opportunity had just before it was won or lost, for the win prediction's backtest.",
			},
			{
				"fieldname": "opportunity_key",
				"label": "Opportunity Key",
				"fieldtype": "Int",
				"insert_after": "probability_at_close",
				"hidden": 1,
				"read_only": 1,
				"no_copy": 1,
				"description": "A small number that joins this opportunity to its stays in stages (Opportunity Stage Stay), set by the server.",
			},
			{
				"fieldname": "card_labels",
				"label": "Card Labels",
				"fieldtype": "Small Text",
				"insert_after": "opportunity_key",
				"hidden": 1,
				"read_only": 1,
				"no_copy": 1,
				"description": "The labels, one per line, as the board's card shows them; set by the server from Labels.",
			},
			{
				"fieldname": "follower_count",
				"label": "Follower Count",
				"fieldtype": "Int",
				"insert_after": "card_labels",
				"hidden": 1,
				"read_only": 1,
				"no_copy": 1,
				"description": "How many users follow this opportunity, as the board's card shows it; set by the server from Followers.",
			},
			{
				"fieldname": "stage_history_section",
				"label": "Stage History",
				"fieldtype": "Section Break",
				"insert_after": "dashboard_tab",
				"depends_on": "eval:!doc.__islocal",
			},
			{
				"fieldname": "stage_history_html",
				"label": "Stage History",
				"fieldtype": "HTML",
				"insert_after": "stage_history_section",
			},
		],
		"Sales Stage": [
			{
				"fieldname": "stage_key",
				"label": "Stage Key",
				"fieldtype": "Int",
				"insert_after": "stage_name",
				"hidden": 1,
				"read_only": 1,
				"no_copy": 1,
				"description": "A small number that groups stays in stages (Opportunity Stage Stay) by this stage, set by the server.",
			}
		],
		**{
			doctype: [
				{
					"fieldname": "opportunity",
					"label": "Opportunity",
					"fieldtype": "Link",
					"options": "Opportunity",
					"insert_after": insert_after,
					"search_index": 1,
					"read_only": read_only,
					"no_copy": 1,
				}
			]
			for doctype, insert_after, read_only in LINKED_DOCTYPES
		},
	}


# (doctype, fieldname or None for the doctype itself, property, value, property_type)
PROPERTY_SETTERS = [
	# the native title becomes the opportunity's visible, editable name
	("Opportunity", "title", "hidden", "0", "Check"),
	# the pipeline decides the first stage and its probability, not fixed field defaults
	("Opportunity", "sales_stage", "default", "", "Text"),
	("Opportunity", "probability", "default", "", "Text"),
	# Duplicate starts over: first stage of the pipeline, its probability, no lost details
	("Opportunity", "sales_stage", "no_copy", "1", "Check"),
	("Opportunity", "probability", "no_copy", "1", "Check"),
	("Opportunity", "lost_reasons", "no_copy", "1", "Check"),
	("Opportunity", "competitors", "no_copy", "1", "Check"),
	("Opportunity", "order_lost_reason", "no_copy", "1", "Check"),
	# the list shows what a salesperson scans for; the print is the app's one-page summary
	("Opportunity", None, "default_print_format", "Opportunity Summary", "Data"),
	("Opportunity", "opportunity_amount", "in_list_view", "1", "Check"),
	("Opportunity", "customer_name", "in_list_view", "1", "Check"),
	("Opportunity", "naming_series", "in_list_view", "0", "Check"),
	("Opportunity", "opportunity_from", "in_list_view", "0", "Check"),
	("Opportunity", "opportunity_type", "in_list_view", "0", "Check"),
	("Opportunity", "sales_stage", "in_standard_filter", "1", "Check"),
	("Opportunity", "opportunity_owner", "in_standard_filter", "1", "Check"),
	# versions feed Document Follow, so followers are told of changes
	("Opportunity", None, "track_changes", "1", "Check"),
	# Opportunity Type names are ERPNext's English words ("Sales"): the desk shows them translated in
	# link fields, lists and searches, and stores the record's real name (see opportunity.js)
	("Opportunity Type", None, "translated_doctype", "1", "Check"),
]


def make_custom_fields() -> None:
	create_custom_fields(get_custom_fields(), ignore_validate=True, update=True)


def make_property_setters() -> None:
	for doctype, fieldname, prop, value, property_type in PROPERTY_SETTERS:
		make_property_setter(
			doctype,
			fieldname,
			prop,
			value,
			property_type,
			for_doctype=fieldname is None,
			validate_fields_for_doctype=False,
		)


def delete_custom_fields() -> None:
	"""Remove our custom fields, their columns and our property setters."""
	for doctype, fields in get_custom_fields().items():
		fieldnames = [field["fieldname"] for field in fields]
		frappe.db.delete("Custom Field", {"dt": doctype, "fieldname": ("in", fieldnames)})
		columns = set(frappe.db.get_table_columns(doctype))
		for fieldname in fieldnames:
			if fieldname in columns:
				frappe.db.sql_ddl(f"alter table `tab{doctype}` drop column `{fieldname}`")
		frappe.clear_cache(doctype=doctype)

	for doctype, fieldname, prop, _value, _type in PROPERTY_SETTERS:
		frappe.db.delete(
			"Property Setter",
			{"doc_type": doctype, "field_name": fieldname or ("is", "not set"), "property": prop},
		)
		frappe.clear_cache(doctype=doctype)
