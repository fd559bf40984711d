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

frappe.ui.form.on("Opportunity", {
	refresh(frm) {
		const field = frm.get_field("stage_history_html");
		if (!field) return;
		const history = frm.doc.__onload?.opportunity_plus?.history || [];
		if (!history.length) {
			field.$wrapper.html(`<p class="text-muted">${__("No stage changes yet.")}</p>`);
			return;
		}
		const esc = frappe.utils.escape_html;
		const rows = history
			.map(
				(row) => `<tr>
					<td>${esc(frappe.datetime.str_to_user(row.changed_on))}</td>
					<td>${row.from_stage ? esc(__(row.from_stage)) : "—"} → <b>${esc(__(row.to_stage))}</b></td>
					<td>${esc(row.time_in_from_stage || "")}</td>
					<td>${esc(frappe.user.full_name(row.changed_by))}</td>
					<td class="text-muted">${esc(__(row.via || ""))}</td>
				</tr>`
			)
			.join("");
		field.$wrapper.html(`
			<table class="table table-sm opportunity-plus-history">
				<thead><tr>
					<th>${__("When")}</th><th>${__("Move")}</th><th>${__("Time in Previous Stage")}</th>
					<th>${__("By")}</th><th>${__("Through")}</th>
				</tr></thead>
				<tbody>${rows}</tbody>
			</table>`);
	},
});
