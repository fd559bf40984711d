// The Opportunity form: the app's handlers, registered once at the end; each concern is a few
// functions above it. One block scope: the desk evaluates this script again when the doctype reloads.
{
	// ---- stages limited to the pipeline, code editable only when the settings allow it
	const limit_stage_choices = (frm) => {
		frm.set_query("sales_stage", () => {
			if (!frm.doc.sales_pipeline) return {};
			return {
				query: "opportunity_plus.api.pipeline.stage_query",
				filters: { sales_pipeline: frm.doc.sales_pipeline },
			};
		});
		frm.set_query("sales_pipeline", () => ({ filters: { disabled: 0 } }));
	};

	const set_code_editable = (frm) => {
		const info = frm.doc.__onload?.opportunity_plus || {};
		frm.set_df_property("opportunity_code", "read_only", info.allow_code_edit ? 0 : 1);
	};

	// ---- stage history, on the Connections tab
	const show_stage_history = (frm) => {
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
	};

	// ---- Create menu: documents made from the opportunity link back to it; a Lost stage asks for reasons.
	const add_create_buttons = (frm) => {
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
		// ERPNext lets only Projects Users create tasks: no button that can only fail
		if (frappe.model.can_create("Task")) {
			create(__("Task"), "opportunity_plus.api.create.make_task");
		}
	};

	const declare_lost_on_lost_stage = (frm) => {
		const stages = frm.doc.__onload?.opportunity_plus?.stages || [];
		const stage = stages.find((s) => s.sales_stage === frm.doc.sales_stage);
		if (!stage || stage.stage_type !== "Lost" || frm.doc.status === "Lost" || frm.is_new())
			return;
		// Lost goes through ERPNext's own Declare Lost dialog, so the same reasons and rules apply.
		frappe.db.get_value("Opportunity", frm.doc.name, "sales_stage").then(({ message }) => {
			frm.set_value("sales_stage", message.sales_stage);
			frm.trigger("set_as_lost_dialog");
		});
	};

	// ---- Log Activity: a call, an email, a meeting, a note or a to-do in one step, on the timeline.
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
						method: "opportunity_plus.api.activity.log_activity",
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

	const add_log_activity_buttons = (frm) => {
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
	};

	// ---- "Board" opens the Opportunity Board on this opportunity's pipeline.
	const add_board_button = (frm) => {
		if (frm.is_new()) return;
		frm.add_custom_button(
			__("Board"),
			() =>
				frappe.set_route("opportunity-board", { pipeline: frm.doc.sales_pipeline || "" }),
			__("View")
		);
	};

	// ---- A new opportunity: the type stored by its real name, and the pipeline, first stage, probability
	// and owner the server will give it, shown before the first save.
	const DEFAULTS = "opportunity_plus.api.new_opportunity.get_defaults";
	// ERPNext's form puts __("Sales") in a new opportunity's type: the record is named "Sales"
	const ERPNEXT_DEFAULT_TYPE = "Sales";
	let types = null;
	let type_names = null;
	const load_types = () =>
		(types =
			types ||
			frappe.db
				.get_list("Opportunity Type", { pluck: "name", limit: 0 })
				.catch(() => [])
				.then((names) => (type_names = names || [])));
	load_types();

	// ERPNext's form fills opportunity_type with __("Sales"), the word in the user's language,
	// which is no Opportunity Type's name ("Không thể tìm thấy Loại cơ hội: Bán hàng"), and the
	// link control then empties it. The link must hold the real name; the desk shows it translated
	// (Opportunity Type is a translated doctype, see setup/custom_fields.py).
	const real_type = (names, value) => {
		if (!value || names.includes(value)) return null;
		return names.find((name) => __(name) === value) || null;
	};
	const fix_type = (frm) => {
		const names = type_names || [ERPNEXT_DEFAULT_TYPE];
		if (frm.doc.opportunity_type === undefined && names.includes(ERPNEXT_DEFAULT_TYPE)) {
			// before ERPNext's onload: it leaves a type that is already set alone
			frm.doc.opportunity_type = ERPNEXT_DEFAULT_TYPE;
			return true;
		}
		const real = real_type(names, frm.doc.opportunity_type);
		if (real) frm.doc.opportunity_type = real;
		return Boolean(real);
	};

	// Values are put in the document as the server gives them (already checked there): setting them
	// through the controls would check each link again, and a Sales User may not read Sales Stage.
	const put = (frm, values) => {
		Object.entries(values).forEach(([fieldname, value]) => {
			frm.doc[fieldname] = value;
			frm.refresh_field(fieldname);
		});
		frm.dirty();
	};

	const apply_defaults = (frm, { pipeline_changed = false } = {}) =>
		frappe
			.call({
				method: DEFAULTS,
				args: { sales_pipeline: frm.doc.sales_pipeline || "" },
			})
			.then(({ message: defaults }) => {
				if (!defaults || !frm.is_new()) return;
				frm.opportunity_plus_stages = defaults.stages || [];
				const values = {};
				if (!frm.doc.opportunity_owner && defaults.opportunity_owner) {
					values.opportunity_owner = defaults.opportunity_owner;
				}
				if (!frm.doc.sales_pipeline && defaults.sales_pipeline) {
					values.sales_pipeline = defaults.sales_pipeline;
				}
				const known = (stage) => defaults.stages.some((s) => s.sales_stage === stage);
				if (
					defaults.sales_stage &&
					(!frm.doc.sales_stage || !known(frm.doc.sales_stage))
				) {
					values.sales_stage = defaults.sales_stage;
					values.probability = defaults.probability;
				} else if (pipeline_changed || frm.doc.probability == null) {
					values.probability = defaults.probability;
				}
				put(frm, values);
			});

	const fix_new_type = (frm) => {
		if (frm.is_new()) fix_type(frm);
	};

	const show_new_defaults = (frm) => {
		if (!frm.is_new()) return;
		load_types().then(() => fix_type(frm) && frm.refresh_field("opportunity_type"));
		apply_defaults(frm);
	};

	const store_real_type = (frm) => {
		return load_types().then(() => fix_type(frm));
	};

	const new_pipeline_defaults = (frm) => {
		if (frm.is_new()) apply_defaults(frm, { pipeline_changed: true });
	};

	const new_stage_probability = (frm) => {
		// a new opportunity takes the probability of the stage chosen in the form
		if (!frm.is_new()) return;
		const stage = (frm.opportunity_plus_stages || []).find(
			(s) => s.sales_stage === frm.doc.sales_stage
		);
		if (stage && stage.probability != null) put(frm, { probability: stage.probability });
	};

	// ---- Link existing documents (1Office's "Liên kết đối tượng liên quan"): a task, project, contract,
	// issue, or a draft quotation or sales order, linked to this opportunity by a normal save.
	const LINKABLE = ["Task", "Project", "Contract", "Issue", "Quotation", "Sales Order"];
	const DRAFT_ONLY = ["Contract", "Quotation", "Sales Order"];

	const link_dialog = (frm) => {
		const writable = (frappe.boot.user.can_write || []).filter((dt) => LINKABLE.includes(dt));
		const dialog = new frappe.ui.Dialog({
			title: __("Link Existing Document"),
			fields: [
				{
					fieldtype: "Select",
					fieldname: "link_doctype",
					label: __("Document Type"),
					reqd: 1,
					options: writable.map((dt) => ({ value: dt, label: __(dt) })),
					default: writable[0],
					onchange() {
						dialog.set_value("link_name", "");
					},
				},
				{
					fieldtype: "Dynamic Link",
					fieldname: "link_name",
					label: __("Document"),
					reqd: 1,
					get_options: () => dialog.get_value("link_doctype"),
					get_query: () => {
						const doctype = dialog.get_value("link_doctype");
						const filters = { opportunity: ["is", "not set"] };
						if (DRAFT_ONLY.includes(doctype)) filters.docstatus = 0;
						return { filters };
					},
					description: __(
						"Only a draft quotation, sales order or contract can be linked: submitting it afterwards moves the opportunity."
					),
				},
			],
			primary_action_label: __("Link"),
			primary_action(values) {
				frappe
					.call({
						method: "opportunity_plus.api.related.link_existing",
						args: {
							opportunity: frm.doc.name,
							doctype: values.link_doctype,
							name: values.link_name,
						},
						freeze: true,
					})
					.then(() => {
						dialog.hide();
						frappe.show_alert({
							message: frappe.utils.escape_html(
								__("{0} {1} is now linked to this opportunity.", [
									__(values.link_doctype),
									values.link_name,
								])
							),
							indicator: "green",
						});
						frm.reload_doc();
					});
			},
		});
		dialog.show();
	};

	const add_link_existing_button = (frm) => {
		if (frm.is_new() || !frm.perm[0]?.write) return;
		const writable = (frappe.boot.user.can_write || []).filter((dt) => LINKABLE.includes(dt));
		if (!writable.length) return;
		frm.add_custom_button(__("Link Existing…"), () => link_dialog(frm), __("Create"));
	};

	frappe.ui.form.on("Opportunity", {
		setup: limit_stage_choices,
		onload: fix_new_type,
		onload_post_render: show_new_defaults,
		validate: store_real_type,
		refresh(frm) {
			set_code_editable(frm);
			show_stage_history(frm);
			add_create_buttons(frm);
			add_log_activity_buttons(frm);
			add_board_button(frm);
			add_link_existing_button(frm);
		},
		sales_pipeline: new_pipeline_defaults,
		sales_stage(frm) {
			declare_lost_on_lost_stage(frm);
			new_stage_probability(frm);
		},
	});
}

// Predicted win probability: the figure with the factors that raise and lower it most, or why
// nothing is shown. The server answers only for an opportunity the user may read.
frappe.ui.form.on("Opportunity", {
	refresh(frm) {
		const field = frm.get_field("win_prediction_html");
		// the figure is in the explanation below (the field itself is for the list and reports)
		frm.toggle_display(
			"predicted_win_probability",
			!field && !!frm.doc.predicted_win_probability
		);
		if (!field) return;
		field.$wrapper.empty();
		if (frm.is_new()) return;
		frappe
			.call({
				method: "opportunity_plus.api.win_prediction.get_prediction",
				args: { opportunity: frm.doc.name },
				type: "GET",
			})
			.then(({ message }) => field.$wrapper.html(win_prediction_html(message || {})));
	},
});

function win_prediction_html(info) {
	const esc = frappe.utils.escape_html;
	if (!info.shown) {
		return info.message ? `<p class="text-muted small">${esc(info.message)}</p>` : "";
	}
	const reason = (r) =>
		`<li>${
			r.direction === "more"
				? __("{0}: {1} — won {2}× as often as average", [
						esc(r.factor),
						esc(r.value),
						esc(r.ratio),
				  ])
				: __("{0}: {1} — won {2}× less often than average", [
						esc(r.factor),
						esc(r.value),
						esc(r.ratio),
				  ])
		}</li>`;
	const list = (title, reasons) =>
		reasons.length
			? `<div class="small"><b>${esc(title)}</b><ul>${reasons
					.map(reason)
					.join("")}</ul></div>`
			: "";
	return `<div class="opportunity-plus-win-prediction">
		<p><b>${esc(__("Predicted win probability: {0}%", [cint(info.probability)]))}</b>
		<span class="text-muted small">${esc(
			__("Learned from {0} won and lost opportunities of this site.", [cint(info.closed)])
		)}</span></p>
		${list(__("Raises it"), info.up || [])}
		${list(__("Lowers it"), info.down || [])}
	</div>`;
}
