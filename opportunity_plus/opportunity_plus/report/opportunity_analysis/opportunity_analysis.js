// Copyright (c) 2026, Opportunity Plus Contributors
// For license information, please see license.txt

frappe.query_reports["Opportunity Analysis"] = {
	filters: [
		{
			fieldname: "company",
			label: __("Company"),
			fieldtype: "Link",
			options: "Company",
			default: frappe.defaults.get_user_default("Company"),
			reqd: 1,
		},
		{
			fieldname: "group_by",
			label: __("Group By"),
			fieldtype: "Select",
			options: [
				{ value: "Stage", label: __("Stage") },
				{ value: "Owner", label: __("Owner") },
				{ value: "Pipeline", label: __("Pipeline") },
				{ value: "Month", label: __("Month") },
				{ value: "Source", label: __("Source") },
				{ value: "Territory", label: __("Territory") },
				{ value: "Lost Reason", label: __("Lost Reason") },
				{ value: "Forecast", label: __("Forecast") },
			],
			default: "Stage",
			reqd: 1,
		},
		{
			fieldname: "date_field",
			label: __("Date"),
			fieldtype: "Select",
			options: [
				{ value: "transaction_date", label: __("Opportunity Date") },
				{ value: "expected_closing", label: __("Expected Closing") },
			],
			default: "transaction_date",
			depends_on: "eval:doc.group_by != 'Forecast'",
			description: __("The date the date range applies to."),
		},
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			default: frappe.datetime.add_months(frappe.datetime.get_today(), -12),
			depends_on: "eval:doc.group_by != 'Forecast'",
		},
		{
			fieldname: "to_date",
			label: __("To Date"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
			depends_on: "eval:doc.group_by != 'Forecast'",
		},
		{
			fieldname: "months",
			label: __("Months Ahead"),
			fieldtype: "Int",
			default: 6,
			depends_on: "eval:doc.group_by == 'Forecast'",
			description: __("The forecast covers this month and the months after it."),
		},
		{
			fieldname: "pipeline",
			label: __("Sales Pipeline"),
			fieldtype: "Link",
			options: "Sales Pipeline",
		},
		{
			fieldname: "owner",
			label: __("Opportunity Owner"),
			fieldtype: "Link",
			options: "User",
		},
		{
			fieldname: "label",
			label: __("Label"),
			fieldtype: "Link",
			options: "Opportunity Label",
		},
		{
			fieldname: "opportunity_type",
			label: __("Opportunity Type"),
			fieldtype: "Link",
			options: "Opportunity Type",
		},
		{
			fieldname: "source",
			label: __("Source"),
			fieldtype: "Link",
			options: "Lead Source",
		},
		{
			fieldname: "territory",
			label: __("Territory"),
			fieldtype: "Link",
			options: "Territory",
		},
		{
			fieldname: "status",
			label: __("Status"),
			fieldtype: "Select",
			options: [
				{ value: "", label: "" },
				{ value: "Open", label: __("Open") },
				{ value: "Quotation", label: __("Quotation") },
				{ value: "Replied", label: __("Replied") },
				{ value: "Converted", label: __("Converted") },
				{ value: "Lost", label: __("Lost") },
				{ value: "Closed", label: __("Closed") },
			],
		},
	],

	onload(report) {
		// The chart's axis shows group names as text, but its tooltip puts them in as HTML: escape
		// them there. The report page is shared by all reports, so wrap it once and only act here.
		if (report.opportunity_plus_chart_escaped) return;
		report.opportunity_plus_chart_escaped = true;
		const render_chart = report.render_chart.bind(report);
		report.render_chart = (options) => {
			if (report.report_name === "Opportunity Analysis" && options) {
				const tooltip = options.tooltipOptions || {};
				const format_x = tooltip.formatTooltipX;
				options.tooltipOptions = {
					...tooltip,
					formatTooltipX: (label) => {
						const text = format_x ? format_x(label) : label;
						return frappe.utils.escape_html(text == null ? "" : String(text));
					},
				};
			}
			return render_chart(options);
		};
	},

	formatter(value, row, column, data, default_formatter) {
		// group names and competitors are data: shown as text, never as HTML
		if (["group", "competitors"].includes(column.fieldname) && value) {
			value = frappe.utils.escape_html(value);
		}
		const formatted = default_formatter(value, row, column, data);
		return data && data.is_total ? `<b>${formatted}</b>` : formatted;
	},

	after_datatable_render(datatable) {
		// the definition of each figure, shown when hovering its column header
		for (const column of datatable.getColumns()) {
			if (!column.description) continue;
			const cell = datatable.header.querySelector(`.dt-cell--header-${column.colIndex}`);
			if (cell) cell.setAttribute("title", column.description);
		}
	},
};
