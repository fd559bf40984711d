// Opportunity Template: the list of placeholders a Word template may use, from the server.
frappe.ui.form.on("Opportunity Template", {
	refresh(frm) {
		const field = frm.get_field("placeholders_html");
		if (!field) return;
		const esc = (value) => frappe.utils.escape_html(value == null ? "" : String(value));
		const rows = (frm.doc.__onload?.placeholders || [])
			.map(
				([placeholder, help]) =>
					`<tr><td><code>${esc(placeholder)}</code></td><td>${esc(help)}</td></tr>`
			)
			.join("");
		field.$wrapper.html(`
			<p class="text-muted">${esc(
				__(
					"Write placeholders in the Word file with Jinja syntax. An unknown placeholder is an error."
				)
			)}</p>
			<table class="table table-sm table-bordered">
				<thead><tr><th>${esc(__("Placeholder"))}</th><th>${esc(__("Meaning"))}</th></tr></thead>
				<tbody>${rows}</tbody>
			</table>`);
	},
});
