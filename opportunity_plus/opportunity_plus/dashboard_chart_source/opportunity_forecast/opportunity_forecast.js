frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["Opportunity Forecast"] = {
	method: "opportunity_plus.opportunity_plus.dashboard_chart_source.opportunity_forecast.opportunity_forecast.get",
	filters: [
		{
			fieldname: "company",
			label: __("Company"),
			fieldtype: "Link",
			options: "Company",
			default: frappe.defaults.get_user_default("Company"),
		},
		{
			fieldname: "sales_pipeline",
			label: __("Sales Pipeline"),
			fieldtype: "Link",
			options: "Sales Pipeline",
		},
	],
};
