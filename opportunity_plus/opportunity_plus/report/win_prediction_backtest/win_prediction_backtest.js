// Copyright (c) 2026, Opportunity Plus Contributors
// For license information, please see license.txt

frappe.query_reports["Win Prediction Backtest"] = {
	filters: [
		{
			fieldname: "split_date",
			label: __("Split Date"),
			fieldtype: "Date",
			description: __(
				"Learn from the opportunities closed before this date, score those closed on or after it (empty: the last quarter of them is scored)."
			),
		},
		{
			fieldname: "pipeline",
			label: __("Sales Pipeline"),
			fieldtype: "Link",
			options: "Sales Pipeline",
		},
	],
};
