// Copyright (c) 2026, Opportunity Plus Contributors
// License: GNU General Public License v3. See license.txt

frappe.ui.form.on("Opportunity Reminder Preference", {
	refresh(frm) {
		if (frm.is_new() || frm.doc.user !== frappe.session.user) return;
		frm.add_custom_button(__("Preview My Digest"), () => preview_digest(false));
		frm.add_custom_button(__("Send My Digest Now"), () => preview_digest(true));
	},
});

function preview_digest(send) {
	frappe
		.call({
			method: "opportunity_plus.api.reminders.preview_my_digest",
			args: { send: send ? 1 : 0 },
			freeze: true,
		})
		.then(({ message }) => {
			const dialog = new frappe.ui.Dialog({
				title: message.subject,
				size: "large",
				fields: [{ fieldtype: "HTML", fieldname: "digest" }],
			});
			// the server escaped every value of the digest
			dialog.fields_dict.digest.$wrapper.html(message.html);
			dialog.show();
			if (message.sent) {
				frappe.show_alert({
					message: __("Sent to {0}", [frappe.utils.escape_html(message.email)]),
					indicator: "green",
				});
			}
		});
}
