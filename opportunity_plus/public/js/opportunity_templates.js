// "Export with Template…" (Biểu mẫu): fill a Word template for the opportunity on the form, or for
// the opportunities checked in the list (one file each, in a zip), and download the result.
// Loaded for the form (doctype_js) and the list (doctype_list_js).
(() => {
	const METHOD = "opportunity_plus.api.templates.";

	// filename*=UTF-8''... (RFC 6266) or filename="..."
	function filename_of(header) {
		if (!header) return null;
		const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header);
		if (extended) {
			try {
				return decodeURIComponent(extended[1].trim());
			} catch (e) {
				// fall through to the plain name
			}
		}
		const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(header);
		return plain ? plain[1].trim() : null;
	}

	function show_server_error(data) {
		let messages = [];
		try {
			messages = JSON.parse(data._server_messages || "[]").map((m) => JSON.parse(m).message);
		} catch (e) {
			messages = [];
		}
		frappe.msgprint({
			title: __("Export with Template"),
			indicator: "red",
			// the server escapes every value it puts into its messages
			message: messages.length
				? messages.join("<br>")
				: frappe.utils.escape_html(__("The export failed.")),
		});
	}

	async function download(template, names, file_format) {
		const body = new URLSearchParams({
			template,
			names: JSON.stringify(names),
			file_format,
		});
		frappe.dom.freeze(__("Filling in the template…"));
		try {
			// POST with the CSRF token: the method is POST-only (see opportunity_plus/api/templates.py)
			const response = await fetch(`/api/method/${METHOD}download`, {
				method: "POST",
				headers: { Accept: "application/json", "X-Frappe-CSRF-Token": frappe.csrf_token },
				credentials: "same-origin",
				body,
			});
			if (!response.ok) {
				let data = {};
				try {
					data = await response.json();
				} catch (e) {
					data = {};
				}
				show_server_error(data);
				return;
			}
			const blob = await response.blob();
			const fallback = names.length > 1 ? "opportunities.zip" : `${names[0]}.${file_format}`;
			const url = URL.createObjectURL(blob);
			const link = document.createElement("a");
			link.href = url;
			link.download = filename_of(response.headers.get("Content-Disposition")) || fallback;
			link.style.display = "none";
			document.body.appendChild(link);
			link.click();
			link.remove();
			setTimeout(() => URL.revokeObjectURL(url), 60000);
		} catch (e) {
			show_server_error({});
		} finally {
			frappe.dom.unfreeze();
		}
	}

	async function choose_and_download(names) {
		if (!names.length) {
			frappe.msgprint(__("Choose at least one opportunity."));
			return;
		}
		const { message } = await frappe.call({ method: `${METHOD}get_templates`, type: "GET" });
		const templates = message?.templates || [];
		if (!templates.length) {
			frappe.msgprint({
				title: __("Export with Template"),
				message: frappe.utils.escape_html(
					__("No Word template is available to you. A Sales Manager can add one.")
				),
			});
			return;
		}
		const describe = (name) => {
			const found = templates.find((t) => t.name === name);
			return found ? found.description : "";
		};
		const dialog = new frappe.ui.Dialog({
			title:
				names.length > 1
					? __("Export {0} Opportunities with a Template", [names.length])
					: __("Export with Template"),
			fields: [
				{
					fieldtype: "Select",
					fieldname: "template",
					label: __("Template"),
					reqd: 1,
					options: templates.map((t) => ({ value: t.name, label: t.template_name })),
					default: templates[0].name,
					change: () =>
						dialog.set_df_property(
							"template",
							"description",
							describe(dialog.get_value("template"))
						),
				},
				{
					fieldtype: "Select",
					fieldname: "file_format",
					label: __("Format"),
					options: [
						{ value: "docx", label: __("Word (.docx)") },
						{ value: "pdf", label: __("PDF") },
					],
					default: "docx",
					hidden: message.pdf ? 0 : 1,
				},
			],
			primary_action_label: __("Download"),
			primary_action(values) {
				dialog.hide();
				download(values.template, names, values.file_format || "docx");
			},
		});
		dialog.set_df_property("template", "description", describe(templates[0].name));
		dialog.show();
	}

	frappe.ui.form.on("Opportunity", {
		refresh(frm) {
			if (frm.is_new()) return;
			frm.add_custom_button(__("Export with Template…"), () =>
				choose_and_download([frm.doc.name])
			);
		},
	});

	// the list: an action for the checked rows, added after the list settings of the other file
	const settings = (frappe.listview_settings["Opportunity"] =
		frappe.listview_settings["Opportunity"] || {});
	if (!settings.__opportunity_plus_templates) {
		settings.__opportunity_plus_templates = true;
		const previous_onload = settings.onload;
		settings.onload = function (listview) {
			previous_onload && previous_onload.apply(this, arguments);
			listview.page.add_actions_menu_item(
				__("Export with Template…"),
				() => choose_and_download(listview.get_checked_items(true)),
				false
			);
		};
	}
})();
