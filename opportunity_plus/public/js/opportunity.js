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
		if (!stage || stage.stage_type !== "Lost" || frm.doc.status === "Lost" || frm.is_new())
			return;
		// Lost goes through ERPNext's own Declare Lost dialog, so the same reasons and rules apply.
		frappe.db.get_value("Opportunity", frm.doc.name, "sales_stage").then(({ message }) => {
			frm.set_value("sales_stage", message.sales_stage);
			frm.trigger("set_as_lost_dialog");
		});
	},
});

// Log Activity: a call, an email, a meeting, a note or a to-do in one step, on the timeline.
{
	const follow_up_fields = (frm) => [
		{ fieldtype: "Section Break", label: __("Follow-up"), collapsible: 1 },
		{
			fieldtype: "Date",
			fieldname: "follow_up_on",
			label: __("Follow Up On"),
			description: __("Creates a to-do for this date."),
		},
		{ fieldtype: "Column Break" },
		{
			fieldtype: "Link",
			fieldname: "follow_up_by",
			label: __("Follow Up By"),
			options: "User",
			default: frm.doc.opportunity_owner || frappe.session.user,
		},
	];

	const activity_fields = (frm, kind) => {
		const now = frappe.datetime.now_datetime();
		const subject = { fieldtype: "Data", fieldname: "subject", label: __("Subject") };
		if (kind === "call") {
			return [
				{
					fieldtype: "Select",
					fieldname: "direction",
					label: __("Direction"),
					options: [
						{ value: "Sent", label: __("Outgoing call") },
						{ value: "Received", label: __("Incoming call") },
					],
					default: "Sent",
				},
				{ fieldtype: "Column Break" },
				{ fieldtype: "Datetime", fieldname: "on", label: __("When"), default: now },
				{ fieldtype: "Section Break" },
				subject,
				{ fieldtype: "Small Text", fieldname: "content", label: __("What was said") },
				...follow_up_fields(frm),
			];
		}
		if (kind === "email") {
			return [
				{
					fieldtype: "Select",
					fieldname: "direction",
					label: __("Direction"),
					options: [
						{ value: "Sent", label: __("Sent to the customer") },
						{ value: "Received", label: __("Received from the customer") },
					],
					default: "Sent",
				},
				{
					fieldtype: "Data",
					fieldname: "email",
					label: __("Customer Email"),
					options: "Email",
					default: frm.doc.contact_email,
				},
				{ fieldtype: "Column Break" },
				{ fieldtype: "Datetime", fieldname: "on", label: __("When"), default: now },
				{ fieldtype: "Section Break" },
				subject,
				{ fieldtype: "Text Editor", fieldname: "content", label: __("Email Content") },
				...follow_up_fields(frm),
			];
		}
		if (kind === "meeting") {
			return [
				subject,
				{
					fieldtype: "Datetime",
					fieldname: "on",
					label: __("Starts On"),
					default: now,
					reqd: 1,
				},
				{ fieldtype: "Column Break" },
				{ fieldtype: "Datetime", fieldname: "ends_on", label: __("Ends On") },
				{ fieldtype: "Section Break" },
				{ fieldtype: "Text Editor", fieldname: "content", label: __("Meeting Notes") },
				...follow_up_fields(frm),
			];
		}
		if (kind === "note") {
			return [
				{ fieldtype: "Text Editor", fieldname: "content", label: __("Note"), reqd: 1 },
			];
		}
		return [
			{ fieldtype: "Small Text", fieldname: "content", label: __("What to do"), reqd: 1 },
			{
				fieldtype: "Link",
				fieldname: "assign_to",
				label: __("Assign To"),
				options: "User",
				default: frm.doc.opportunity_owner || frappe.session.user,
			},
			{ fieldtype: "Column Break" },
			{ fieldtype: "Date", fieldname: "due_date", label: __("Due Date") },
		];
	};

	const titles = {
		call: __("Log a Call"),
		email: __("Log an Email"),
		meeting: __("Log a Meeting"),
		note: __("Add a Note"),
		todo: __("Add a To Do"),
	};

	const log_activity = (frm, kind) => {
		const dialog = new frappe.ui.Dialog({
			title: titles[kind],
			size: kind === "note" || kind === "todo" ? "" : "large",
			fields: activity_fields(frm, kind),
			primary_action_label: __("Save"),
			primary_action(values) {
				frappe
					.call({
						method: "opportunity_plus.api.care.log_activity",
						args: { opportunity: frm.doc.name, kind, ...values },
						freeze: true,
					})
					.then((r) => {
						dialog.hide();
						// the server's confirmation is plain text; the alert shows HTML
						frappe.show_alert({
							message: frappe.utils.escape_html(r.message?.message || __("Saved")),
							indicator: "green",
						});
						frm.reload_doc();
					});
			},
		});
		dialog.show();
	};

	frappe.ui.form.on("Opportunity", {
		refresh(frm) {
			if (frm.is_new()) return;
			const group = __("Log Activity");
			[
				["call", __("Call")],
				["email", __("Email")],
				["meeting", __("Meeting")],
				["note", __("Note")],
				["todo", __("To Do")],
			].forEach(([kind, label]) =>
				frm.add_custom_button(label, () => log_activity(frm, kind), group)
			);
		},
	});
}

// Opportunity form: "Board" opens the Opportunity Board on this opportunity's pipeline.
frappe.ui.form.on("Opportunity", {
	refresh(frm) {
		if (frm.is_new()) return;
		frm.add_custom_button(
			__("Board"),
			() =>
				frappe.set_route("opportunity-board", { pipeline: frm.doc.sales_pipeline || "" }),
			__("View")
		);
	},
});
