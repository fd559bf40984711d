// Opportunity form: stages limited to the pipeline, code editable only when the settings allow it.
frappe.ui.form.on("Opportunity", {
	setup(frm) {
		frm.set_query("sales_stage", () => {
			if (!frm.doc.sales_pipeline) return {};
			return {
				query: "opportunity_plus.api.pipeline.stage_query",
				filters: { sales_pipeline: frm.doc.sales_pipeline },
			};
		});
		frm.set_query("sales_pipeline", () => ({ filters: { disabled: 0 } }));
	},

	refresh(frm) {
		const info = frm.doc.__onload?.opportunity_plus || {};
		frm.set_df_property("opportunity_code", "read_only", info.allow_code_edit ? 0 : 1);
	},
});
