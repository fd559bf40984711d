// Copyright (c) 2026, Opportunity Plus Contributors
// License: GNU General Public License v3. See license.txt

frappe.ui.form.on("Sales Pipeline", {
	setup(frm) {
		frm.set_query("quotation_stage", () => ({
			filters: {
				name: ["in", (frm.doc.stages || []).map((row) => row.sales_stage).filter(Boolean)],
			},
		}));
	},
});
