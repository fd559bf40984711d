// Copyright (c) 2026, Opportunity Plus Contributors
// License: GNU General Public License v3. See license.txt

frappe.ui.form.on("Opportunity Plus Settings", {
	refresh(frm) {
		render_keywords(frm);
		frm.add_custom_button(__("Reminders Dry Run"), () => reminders_dry_run(frm));
		frm.add_custom_button(__("Train Win Prediction Now"), () => train_win_prediction(frm));
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

// Who the next daily run would send a digest to, with how many items: nothing is sent or written.
function reminders_dry_run(frm) {
	if (frm.is_dirty()) {
		frappe.msgprint(__("Save the settings first: the dry run uses the saved ones."));
		return;
	}
	frappe
		.call({ method: "opportunity_plus.api.reminders.digest_dry_run", freeze: true })
		.then(({ message }) => {
			const esc = frappe.utils.escape_html;
			const rows = message.people
				.map(
					(p) => `<tr>
						<td>${esc(p.full_name)}<br><small class="text-muted">${esc(p.user)}</small></td>
						<td class="text-right">${cint(p.overdue)}</td>
						<td class="text-right">${cint(p.closing_soon)}</td>
						<td class="text-right">${cint(p.stale)}</td>
						<td class="text-right">${cint(p.total)}</td>
						<td>${p.email ? __("Yes") : __("No")}</td>
					</tr>`
				)
				.join("");
			const summary = __(
				"{0} people would get a digest, with {1} items in all ({2} new reminders).",
				[cint(message.digests), cint(message.items), cint(message.new_reminders)]
			);
			const off = message.enabled
				? ""
				: `<p class="text-warning">${__(
						"Reminders are switched off: nothing is sent until Send Reminders is ticked."
				  )}</p>`;
			const dialog = new frappe.ui.Dialog({
				title: __("Reminders Dry Run"),
				size: "large",
				fields: [{ fieldtype: "HTML", fieldname: "result" }],
			});
			dialog.fields_dict.result.$wrapper.html(`${off}<p>${summary}</p>
				<table class="table table-bordered table-sm">
					<thead><tr>
						<th>${__("Person")}</th><th>${__("Overdue")}</th><th>${__("Closing Soon")}</th>
						<th>${__("Stale")}</th><th>${__("Total")}</th><th>${__("Email")}</th>
					</tr></thead>
					<tbody>${rows}</tbody>
				</table>`);
			dialog.show();
		});
}

// Retrain the predicted win probability on every won and lost opportunity (in the background).
function train_win_prediction(frm) {
	frappe
		.call({ method: "opportunity_plus.api.win_prediction.train_now", freeze: true })
		.then(({ message }) => {
			frappe.show_alert({ message: message.message, indicator: "green" });
			setTimeout(() => frm.reload_doc(), 3000);
		});
}
