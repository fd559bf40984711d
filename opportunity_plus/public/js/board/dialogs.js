// The Opportunity Board's dialogs: move a card to a stage, the lost reasons a Lost stage needs, and
// quick add. They collect values; board_view.js does what they ask. Uses frappe.ui.Dialog.

import { card_title, safe_color } from "./cards.js";

const esc = (value) => frappe.utils.escape_html(value == null ? "" : String(value));

// Hide a dialog even when it is still fading in (bootstrap ignores hide() during that).
export function close_dialog(dialog) {
	const modal = dialog.$wrapper.data("bs.modal");
	if (modal && modal._isTransitioning) {
		dialog.$wrapper.one("shown.bs.modal", () => dialog.hide());
	} else {
		dialog.hide();
	}
}

// "Move to…": one button per stage of ``targets``; ``choose(stage)`` once one is picked.
export function choose_stage_dialog(card, targets, choose) {
	const dialog = new frappe.ui.Dialog({
		title: __("Move {0} to…", [esc(card_title(card))]),
		fields: [{ fieldtype: "HTML", fieldname: "stages" }],
	});
	const buttons = targets
		.map((t) => {
			const color = safe_color(t.color) || "var(--gray-500)";
			return `<button class="btn btn-default btn-block op-move-target" data-stage="${esc(
				t.stage
			)}" style="--op-stage-color:${color}">
					<span class="op-board-stage-dot"></span>${esc(__(t.stage))}
					${t.stage_type !== "Open" ? `<span class="text-muted">· ${esc(__(t.stage_type))}</span>` : ""}
				</button>`;
		})
		.join("");
	const $stages = dialog.fields_dict.stages.$wrapper;
	$stages.html(
		`<div class="op-move-current text-muted">${esc(
			__("Now in {0}", [__(card.sales_stage)])
		)}</div><div class="op-move-targets" role="menu">${buttons}</div>`
	);
	$stages.on("click", ".op-move-target", (e) => {
		const stage = $(e.currentTarget).attr("data-stage");
		close_dialog(dialog);
		choose(stage);
	});
	dialog.show();
	setTimeout(() => $stages.find(".op-move-target").first().trigger("focus"), 200);
}

// The lost reasons, competitors and detail of a move into a Lost stage; null when cancelled.
export async function lost_reasons_dialog(card, column) {
	// the Table MultiSelect controls need the meta of their child tables
	await frappe.model.with_doctype("Opportunity Lost Reason Detail");
	await frappe.model.with_doctype("Competitor Detail");
	return new Promise((resolve) => {
		let done = false;
		const dialog = new frappe.ui.Dialog({
			title: __("Move {0} to {1}", [esc(card_title(card)), esc(__(column.sales_stage))]),
			fields: [
				{
					fieldtype: "Table MultiSelect",
					fieldname: "lost_reasons",
					label: __("Lost Reasons"),
					options: "Opportunity Lost Reason Detail",
					reqd: 1,
				},
				{
					fieldtype: "Table MultiSelect",
					fieldname: "competitors",
					label: __("Competitors"),
					options: "Competitor Detail",
				},
				{
					fieldtype: "Small Text",
					fieldname: "lost_detail",
					label: __("Detailed Reason"),
				},
			],
			primary_action_label: __("Mark as Lost"),
			primary_action: (values) => {
				done = true;
				close_dialog(dialog);
				resolve({
					lost_reasons: (values.lost_reasons || []).map((r) => r.lost_reason),
					competitors: (values.competitors || []).map((r) => r.competitor),
					lost_detail: values.lost_detail || null,
				});
			},
		});
		dialog.onhide = () => {
			if (!done) resolve(null);
		};
		dialog.show();
	});
}

// Quick add into one of ``stages`` (``stage`` first): ``add(values)`` asks the server; when it
// answers, the dialog closes and ``added(result, values)`` runs (on a refusal, whose message Frappe
// shows, the dialog stays open).
export function quick_add_dialog({ stages, stage, currency, add, added }) {
	const dialog = new frappe.ui.Dialog({
		title: __("Add Opportunity"),
		fields: [
			{
				fieldtype: "Select",
				fieldname: "stage",
				label: __("Stage"),
				options: stages.map((s) => ({
					value: s,
					label: esc(__(s)),
				})),
				default: stage,
				reqd: 1,
			},
			{
				fieldtype: "Select",
				fieldname: "opportunity_from",
				label: __("Opportunity From"),
				options: [
					{ value: "Lead", label: __("Lead") },
					{ value: "Customer", label: __("Customer") },
				],
				default: "Lead",
				reqd: 1,
				change: () => dialog.set_value("party_name", ""),
			},
			{
				fieldtype: "Dynamic Link",
				fieldname: "party_name",
				label: __("Party"),
				options: "opportunity_from",
				get_options: () => dialog.get_value("opportunity_from"),
				reqd: 1,
			},
			{ fieldtype: "Data", fieldname: "title", label: __("Title") },
			{ fieldtype: "Column Break" },
			{
				fieldtype: "Currency",
				fieldname: "opportunity_amount",
				label: __("Amount"),
				options: "currency",
			},
			{ fieldtype: "Link", fieldname: "currency", options: "Currency", hidden: 1 },
			{
				fieldtype: "Date",
				fieldname: "expected_closing",
				label: __("Expected Closing"),
			},
		],
		primary_action_label: __("Add"),
		primary_action: async (values) => {
			try {
				const result = await add(values);
				close_dialog(dialog);
				added(result, values);
			} catch (e) {
				// the server's message is shown by frappe.call; the dialog stays open
			}
		},
	});
	dialog.set_value("currency", currency);
	dialog.show();
}
