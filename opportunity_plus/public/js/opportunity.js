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

// Create menu: documents made from the opportunity link back to it; a Lost stage asks for reasons.
frappe.ui.form.on("Opportunity", {
	refresh(frm) {
		if (frm.is_new() || frm.doc.status === "Lost") return;
		const create = (label, method) =>
			frm.add_custom_button(
				label,
				() => frappe.model.open_mapped_doc({ method, frm }),
				__("Create")
			);
		create(__("Sales Order"), "opportunity_plus.api.create.make_sales_order");
		create(__("Contract"), "opportunity_plus.api.create.make_contract");
		create(__("Issue"), "opportunity_plus.api.create.make_issue");
		create(__("Project"), "opportunity_plus.api.create.make_project");
	},

	sales_stage(frm) {
		const stages = frm.doc.__onload?.opportunity_plus?.stages || [];
		const stage = stages.find((s) => s.sales_stage === frm.doc.sales_stage);
		if (!stage || stage.stage_type !== "Lost" || frm.doc.status === "Lost" || frm.is_new()) return;
		// Lost goes through ERPNext's own Declare Lost dialog, so the same reasons and rules apply.
		frappe.db.get_value("Opportunity", frm.doc.name, "sales_stage").then(({ message }) => {
			frm.set_value("sales_stage", message.sales_stage);
			frm.trigger("set_as_lost_dialog");
		});
	},
});
