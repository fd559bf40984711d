// Copyright (c) 2026, Opportunity Plus Contributors
// License: GNU General Public License v3. See license.txt

frappe.ui.form.on("Opportunity Plus Settings", {
	refresh(frm) {
		render_keywords(frm);
	},

	code_template(frm) {
		preview(frm);
	},

	code_counter_start(frm) {
		preview(frm);
	},
});

function render_keywords(frm) {
	const keywords = frm.doc.__onload?.code_keywords || [];
	const rows = keywords
		.map(
			(k) => `<tr>
				<td><code>${frappe.utils.escape_html(k.keyword)}</code></td>
				<td>${frappe.utils.escape_html(k.description)}</td>
				<td>${frappe.utils.escape_html(k.example)}</td>
			</tr>`
		)
		.join("");
	frm.get_field("keywords_html").$wrapper.html(`
		<table class="table table-bordered table-sm">
			<thead><tr><th>${__("Keyword")}</th><th>${__("Meaning")}</th><th>${__("Example")}</th></tr></thead>
			<tbody>${rows}</tbody>
		</table>`);
}

function preview(frm) {
	frappe
		.call("opportunity_plus.api.pipeline.preview_code", {
			template: frm.doc.code_template,
			counter_start: frm.doc.code_counter_start || 1,
		})
		.then(({ message }) => {
			frm.set_value("code_example", message.example || "");
			frm.set_df_property("code_template", "description", message.error || "");
		});
}
