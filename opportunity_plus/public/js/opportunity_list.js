// Opportunity list: the stage in its pipeline colour, label pills, quick filters for pipeline,
// stage, owner and label, a "Board" button, and bulk actions that save every opportunity through
// the same rules as the form. Extends ERPNext's own list settings (loaded before this file).
(() => {
	const settings = frappe.listview_settings["Opportunity"] || {};
	const erpnext_onload = settings.onload;
	const erpnext_refresh = settings.refresh;
	const BULK = "opportunity_plus.api.bulk.";
	const DONE_EVENT = "opportunity_plus_bulk_done";
	const MAX_PILLS = 2;
	const esc = (value) => frappe.utils.escape_html(value == null ? "" : String(value));
	// a colour for a style attribute, or null: never lets arbitrary text into CSS
	const safe_color = (value) => {
		const text = String(value || "").trim();
		return /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(text) || /^[a-z]{3,20}$/i.test(text)
			? text
			: null;
	};

	// Loaded once per list load: pipeline -> ordered stages ({sales_stage, color, stage_type}).
	const state = { pipelines: {}, label_colors: {}, loaded: null };

	const color_class = (color) =>
		color
			? `op-stage-${String(color)
					.replace(/[^0-9a-z]/gi, "")
					.toLowerCase()}`
			: "gray";

	// A light pill in the stage colour, with text dark enough to read.
	function shade(hex, factor) {
		const match = /^#?([0-9a-f]{6})$/i.exec(hex || "");
		if (!match) return hex;
		const value = parseInt(match[1], 16);
		const channel = (shift) =>
			Math.max(0, Math.min(255, Math.round(((value >> shift) & 255) * factor)));
		return `rgb(${channel(16)}, ${channel(8)}, ${channel(0)})`;
	}

	function write_styles() {
		const colors = new Set();
		Object.values(state.pipelines).forEach((stages) =>
			stages.forEach((stage) => stage.color && colors.add(stage.color))
		);
		const css = [...colors]
			.filter((color) => /^#[0-9a-f]{6}$/i.test(color))
			.map(
				(color) => `.indicator-pill.${color_class(color)} {
					background: ${color}22; color: ${shade(color, 0.62)};
				}`
			)
			.join("\n");
		let style = document.getElementById("opportunity-plus-list-style");
		if (!style) {
			style = document.createElement("style");
			style.id = "opportunity-plus-list-style";
			document.head.appendChild(style);
		}
		style.textContent = `${css}
			.op-label-pill {
				display: inline-block; margin-left: 6px; padding: 0 7px; border-radius: 9px;
				border: 1px solid var(--op-label); color: var(--op-label); font-size: 11px;
				line-height: 17px; cursor: pointer; white-space: nowrap; font-weight: normal;
			}
			.op-list-labels { flex-shrink: 0; }
			.op-opportunity-list .list-subject > .level-item.ellipsis { flex-shrink: 1; min-width: 0; }`;
	}

	function load_colors() {
		state.loaded =
			state.loaded ||
			Promise.all([
				frappe.call({
					method: "frappe.client.get_list",
					args: {
						doctype: "Sales Pipeline Stage",
						parent: "Sales Pipeline",
						fields: ["parent", "sales_stage", "color", "stage_type", "idx"],
						order_by: "idx asc",
						limit_page_length: 0,
					},
				}),
				frappe.call({
					method: "frappe.client.get_list",
					args: {
						doctype: "Opportunity Label",
						fields: ["name", "color"],
						limit_page_length: 0,
					},
				}),
			]).then(([stages, labels]) => {
				state.pipelines = {};
				(stages.message || []).forEach((row) => {
					(state.pipelines[row.parent] = state.pipelines[row.parent] || []).push(row);
				});
				state.label_colors = {};
				(labels.message || []).forEach(
					(row) => (state.label_colors[row.name] = row.color)
				);
				write_styles();
			});
		return state.loaded;
	}

	function find_stage(pipeline, stage) {
		return (state.pipelines[pipeline] || []).find((row) => row.sales_stage === stage);
	}

	// ------------------------------------------------------------ label pills on the rows

	function show_labels(listview) {
		const names = (listview.data || []).map((doc) => doc.name);
		if (!names.length) return;
		frappe
			.call({
				method: "frappe.client.get_list",
				args: {
					doctype: "Opportunity",
					fields: ["name", "`tabOpportunity Label Detail`.`label` as label"],
					filters: [
						["name", "in", names],
						["Opportunity Label Detail", "label", "is", "set"],
					],
					limit_page_length: 0,
				},
			})
			.then((r) => {
				const by_name = {};
				(r.message || []).forEach((row) => {
					if (row.label) (by_name[row.name] = by_name[row.name] || []).push(row.label);
				});
				listview.$result.find(".list-row-container").each((_i, row) => {
					const name = $(row).find(".list-row-checkbox").attr("data-name");
					const $subject = $(row).find(".list-subject");
					$subject.find(".op-list-labels").remove();
					const labels = by_name[name];
					if (!labels) return;
					const more = labels.length > MAX_PILLS ? labels.length - MAX_PILLS : 0;
					const pills = labels
						.slice(0, MAX_PILLS)
						.map((label) => {
							const color = safe_color(state.label_colors[label]) || "#7C8A9A";
							return `<span class="op-label-pill" data-label="${esc(
								label
							)}" style="--op-label: ${color}"
								title="${esc(__("Show opportunities labelled {0}", [label]))}">${esc(label)}</span>`;
						})
						.join("");
					const rest = more
						? `<span class="op-label-pill" style="--op-label: var(--text-muted)"
								title="${esc(labels.slice(MAX_PILLS).join(", "))}">+${esc(more)}</span>`
						: "";
					$subject.append(
						`<span class="level-item op-list-labels">${pills}${rest}</span>`
					);
				});
			});
	}

	// ------------------------------------------------------------ quick filters

	function add_quick_filters(listview) {
		const page = listview.page;
		const wrapper = listview.filter_area?.standard_filters_wrapper;
		if (!wrapper || !listview.filter_area) return;
		const refresh = () => listview.filter_area.debounced_refresh_list_view();
		const add = (df, after) => {
			if (page.fields_dict[df.fieldname]) return page.fields_dict[df.fieldname];
			const field = page.add_field({ ...df, onchange: refresh }, wrapper);
			if (after && page.fields_dict[after]) {
				$(field.wrapper).insertAfter(page.fields_dict[after].wrapper);
			}
			return field;
		};
		const stage = add(
			{
				fieldtype: "Link",
				fieldname: "sales_stage",
				label: __("Sales Stage"),
				options: "Sales Stage",
			},
			"sales_pipeline"
		);
		stage.get_query = () => {
			const pipeline = page.fields_dict.sales_pipeline?.get_value();
			return pipeline
				? {
						query: "opportunity_plus.api.pipeline.stage_query",
						filters: { sales_pipeline: pipeline },
				  }
				: {};
		};
		add(
			{
				fieldtype: "Link",
				fieldname: "opportunity_owner",
				label: __("Opportunity Owner"),
				options: "User",
			},
			"sales_stage"
		);
		// labels live in a child table: Frappe filters the list on it with a join
		add({
			fieldtype: "Link",
			fieldname: "label",
			doctype: "Opportunity Label Detail",
			label: __("Label"),
			options: "Opportunity Label",
		});
	}

	// ------------------------------------------------------------ bulk actions

	function summary_html(result) {
		const refusals = (result.refusals || [])
			.map((refusal) => {
				const links = refusal.labels
					.map((label, i) => {
						const name = refusal.names[i];
						return `<a href="/app/opportunity/${encodeURIComponent(name)}">${esc(
							label
						)}</a>`;
					})
					.join(", ");
				const more = refusal.more ? " " + esc(__("and {0} more", [refusal.more])) : "";
				return `<li><b>${links}${more}</b>: ${esc(refusal.reason)}</li>`;
			})
			.join("");
		return `<p class="op-bulk-headline">${esc(result.message)}</p>
			${
				refusals
					? `<p>${esc(
							__("Refused, and why:")
					  )}</p><ul class="op-bulk-refusals">${refusals}</ul>`
					: ""
			}`;
	}

	// What a bulk action acts on: the checked rows of the list, or the one row (or card) of a
	// right-click menu. ``done`` refreshes whatever shows them.
	function checked_rows(listview) {
		return {
			names: () => listview.get_checked_items(true),
			pipeline: () => common_pipeline(listview),
			done: () => {
				listview.clear_checked_items && listview.clear_checked_items();
				listview.refresh();
			},
		};
	}

	function show_summary(result, target) {
		const indicator = result.refused ? "orange" : "green";
		// the dialog title is HTML too
		frappe.msgprint({ title: esc(result.title), message: summary_html(result), indicator });
		target.done();
	}

	function run_bulk(target, method, args, freeze_message) {
		const names = target.names();
		if (!names.length) {
			frappe.msgprint(__("Select the opportunities first."));
			return Promise.resolve();
		}
		return frappe
			.call({
				method: BULK + method,
				args: { names, ...args },
				freeze: true,
				freeze_message: freeze_message(names.length),
			})
			.then((r) => {
				const result = r.message || {};
				if (result.queued) {
					frappe.msgprint({
						title: esc(result.title),
						message: esc(result.message),
						indicator: "blue",
					});
					frappe.realtime.off(DONE_EVENT);
					frappe.realtime.on(DONE_EVENT, (done) => {
						frappe.realtime.off(DONE_EVENT);
						show_summary(done, target);
					});
					return;
				}
				show_summary(result, target);
			});
	}

	function common_pipeline(listview) {
		const checked = new Set(listview.get_checked_items(true));
		const pipelines = new Set(
			(listview.data || []).filter((d) => checked.has(d.name)).map((d) => d.sales_pipeline)
		);
		return pipelines.size === 1 ? [...pipelines][0] : null;
	}

	function move_dialog(target) {
		load_colors().then(() => {
			// a Select control puts its labels in as HTML
			const stage_options = (pipeline) =>
				[""].concat(
					(state.pipelines[pipeline] || []).map((row) => ({
						value: row.sales_stage,
						label: esc(__(row.sales_stage)),
					}))
				);
			const stage_type = (pipeline, stage) => find_stage(pipeline, stage)?.stage_type;
			const dialog = new frappe.ui.Dialog({
				title: __("Move to Stage"),
				fields: [
					{
						fieldtype: "Link",
						fieldname: "sales_pipeline",
						label: __("Sales Pipeline"),
						options: "Sales Pipeline",
						reqd: 1,
						default: target.pipeline(),
						description: __(
							"Opportunities of another pipeline are refused: move them from their own pipeline."
						),
						onchange() {
							const field = dialog.get_field("sales_stage");
							field.df.options = stage_options(dialog.get_value("sales_pipeline"));
							field.refresh();
						},
					},
					{
						fieldtype: "Select",
						fieldname: "sales_stage",
						label: __("Stage"),
						reqd: 1,
						options: stage_options(target.pipeline()),
					},
					{
						fieldtype: "Table MultiSelect",
						fieldname: "lost_reasons",
						label: __("Lost Reasons"),
						options: "Opportunity Lost Reason Detail",
						depends_on: (doc) =>
							stage_type(doc.sales_pipeline, doc.sales_stage) === "Lost",
					},
					{
						fieldtype: "Small Text",
						fieldname: "lost_detail",
						label: __("Detailed Reason"),
						depends_on: (doc) =>
							stage_type(doc.sales_pipeline, doc.sales_stage) === "Lost",
					},
				],
				primary_action_label: __("Move"),
				primary_action(values) {
					const lost = stage_type(values.sales_pipeline, values.sales_stage) === "Lost";
					const reasons = (values.lost_reasons || []).map((row) => row.lost_reason);
					if (lost && !reasons.length) {
						frappe.msgprint(__("Choose at least one lost reason."));
						return;
					}
					dialog.hide();
					run_bulk(
						target,
						"move_to_stage",
						{
							sales_stage: values.sales_stage,
							lost_reasons: lost ? reasons : [],
							lost_detail: lost ? values.lost_detail || "" : "",
						},
						(count) => __("Moving {0} opportunities…", [count])
					);
				},
			});
			dialog.show();
		});
	}

	function multiselect_dialog(target, { title, label, child, field, action, method, freeze }) {
		const dialog = new frappe.ui.Dialog({
			title,
			fields: [
				{
					fieldtype: "Table MultiSelect",
					fieldname: "values",
					label,
					options: child,
					reqd: 1,
				},
			],
			primary_action_label: action,
			primary_action(values) {
				const chosen = (values.values || []).map((row) => row[field]).filter(Boolean);
				if (!chosen.length) return;
				dialog.hide();
				run_bulk(
					target,
					method,
					{ [field === "user" ? "users" : "labels"]: chosen },
					freeze
				);
			},
		});
		dialog.show();
	}

	// the bulk actions, for the checked rows or for one row: [label, (target) => open its dialog]
	const BULK_ACTIONS = [
		[__("Move to Stage"), (target) => move_dialog(target)],
		[
			__("Add Label"),
			(target) =>
				multiselect_dialog(target, {
					title: __("Add Label"),
					label: __("Labels"),
					child: "Opportunity Label Detail",
					field: "label",
					action: __("Add"),
					method: "add_label",
					freeze: (count) => __("Labelling {0} opportunities…", [count]),
				}),
		],
		[
			__("Remove Label"),
			(target) =>
				multiselect_dialog(target, {
					title: __("Remove Label"),
					label: __("Labels"),
					child: "Opportunity Label Detail",
					field: "label",
					action: __("Remove"),
					method: "remove_label",
					freeze: (count) => __("Removing labels from {0} opportunities…", [count]),
				}),
		],
		[
			__("Add Follower"),
			(target) =>
				multiselect_dialog(target, {
					title: __("Add Follower"),
					label: __("Followers"),
					child: "Opportunity Follower",
					field: "user",
					action: __("Add"),
					method: "add_follower",
					freeze: (count) => __("Adding followers to {0} opportunities…", [count]),
				}),
		],
	];

	function add_bulk_actions(listview) {
		const can_write = frappe.perm.has_perm("Opportunity", 0, "write");
		if (!can_write) return;
		BULK_ACTIONS.forEach(([label, open]) =>
			listview.page.add_actions_menu_item(label, () => open(checked_rows(listview)), false)
		);
	}

	// ------------------------------------------------------------ right-click menu

	// A menu at (x, y) of buttons: arrow keys, Home and End move between them, Enter opens one,
	// Escape (or a click elsewhere) closes it and gives the focus back to ``return_focus``.
	let open_menu_el = null;
	function close_menu(restore = true) {
		if (!open_menu_el) return;
		const { $menu, return_focus, cleanup } = open_menu_el;
		open_menu_el = null;
		cleanup();
		$menu.remove();
		if (restore && return_focus && document.body.contains(return_focus)) return_focus.focus();
	}

	function show_menu({ x, y, title, items, return_focus }) {
		close_menu(false);
		const $menu = $(
			`<div class="dropdown-menu show op-context-menu" role="menu" tabindex="-1"></div>`
		).attr("aria-label", title);
		$("<h6 class='dropdown-header op-context-menu-title'></h6>").text(title).appendTo($menu);
		items.forEach((item) => {
			if (item.divider) {
				$menu.append(`<div class="dropdown-divider" role="separator"></div>`);
				return;
			}
			$(
				`<button type="button" class="dropdown-item" role="menuitem" tabindex="-1"></button>`
			)
				.text(item.label)
				.attr("data-menu-action", item.key)
				.on("click", (event) => {
					event.preventDefault();
					close_menu(false);
					item.action();
				})
				.appendTo($menu);
		});
		$menu.css({ position: "fixed", left: 0, top: 0, zIndex: 1060, maxWidth: "320px" });
		$menu.appendTo(document.body);
		const width = $menu.outerWidth();
		const height = $menu.outerHeight();
		$menu.css({
			left: Math.max(4, Math.min(x, window.innerWidth - width - 4)),
			top: Math.max(4, Math.min(y, window.innerHeight - height - 4)),
		});
		const buttons = () => $menu.find("[role=menuitem]").toArray();
		$menu.on("keydown", (event) => {
			const list = buttons();
			const index = list.indexOf(document.activeElement);
			const focus = (i) => list[(i + list.length) % list.length]?.focus();
			if (event.key === "ArrowDown") focus(index + 1);
			else if (event.key === "ArrowUp") focus(index - 1);
			else if (event.key === "Home") focus(0);
			else if (event.key === "End") focus(list.length - 1);
			else if (event.key === "Escape") close_menu();
			else if (event.key === "Tab") close_menu();
			else return;
			event.preventDefault();
			event.stopPropagation();
		});
		const outside = (event) => {
			if (!$menu[0].contains(event.target)) close_menu(false);
		};
		const on_scroll = () => close_menu(false);
		document.addEventListener("mousedown", outside, true);
		window.addEventListener("resize", on_scroll);
		open_menu_el = {
			$menu,
			return_focus,
			cleanup: () => {
				document.removeEventListener("mousedown", outside, true);
				window.removeEventListener("resize", on_scroll);
			},
		};
		buttons()[0]?.focus();
	}

	function duplicate(name) {
		frappe.model.with_doc("Opportunity", name).then(() => {
			const copy = frappe.model.copy_doc(frappe.get_doc("Opportunity", name));
			frappe.set_route("Form", "Opportunity", copy.name);
		});
	}

	function assign(target) {
		const dialog = new frappe.ui.form.AssignToDialog({
			obj: { doctype: "Opportunity" },
			method: "frappe.desk.form.assign_to.add_multiple",
			doctype: "Opportunity",
			docname: target.names(),
			bulk_assign: true,
			re_assign: false,
			callback: () => target.done(),
		});
		dialog.dialog.clear();
		dialog.dialog.show();
	}

	// The menu of one opportunity ({name, title, pipeline}): the list's bulk actions on it alone,
	// and what a row offers. ``done`` refreshes the list or the board; ``move`` replaces the bulk
	// move (the board moves its card through its own dialog, by the same rules).
	function opportunity_menu({ name, title, pipeline, x, y, return_focus, done, move }) {
		const target = { names: () => [name], pipeline: () => pipeline, done };
		const can_write = frappe.perm.has_perm("Opportunity", 0, "write");
		const items = [
			{
				key: "open",
				label: __("Open"),
				action: () => frappe.set_route("Form", "Opportunity", name),
			},
		];
		if (can_write) {
			items.push({ divider: true });
			BULK_ACTIONS.forEach(([label, open], index) =>
				items.push({
					key: ["move", "add_label", "remove_label", "add_follower"][index],
					label: label + "…",
					action: index === 0 && move ? move : () => open(target),
				})
			);
			items.push({
				key: "assign",
				label: __("Assign To") + "…",
				action: () => assign(target),
			});
		}
		items.push({ divider: true });
		if (frappe.model.can_create("Opportunity")) {
			items.push({
				key: "duplicate",
				label: __("Duplicate"),
				action: () => duplicate(name),
			});
		}
		if (frappe.model.can_print("Opportunity")) {
			items.push({
				key: "print",
				label: __("Print"),
				action: () => frappe.set_route("print", "Opportunity", name),
			});
		}
		items.push({
			key: "board",
			label: __("Open on Board"),
			action: () => {
				frappe.route_options = { pipeline: pipeline || "" };
				frappe.set_route("opportunity-board");
			},
		});
		show_menu({ x, y, title: title || name, items, return_focus });
	}
	// the Opportunity Board opens the same menu on its cards (frappe.model.with_doctype loads this file)
	frappe.provide("opportunity_plus.list").opportunity_menu = opportunity_menu;

	function add_row_menu(listview) {
		const row_of = (el) => {
			const $row = $(el).closest(".list-row-container");
			const name = $row.find(".list-row-checkbox").attr("data-name");
			const doc = (listview.data || []).find((d) => d.name === name);
			return doc ? { $row, doc } : null;
		};
		const open_for = (el, x, y) => {
			const found = row_of(el);
			if (!found) return false;
			const { $row, doc } = found;
			opportunity_menu({
				name: doc.name,
				title: doc.title || doc.opportunity_code || doc.name,
				pipeline: doc.sales_pipeline,
				x,
				y,
				return_focus: $row[0],
				done: () => listview.refresh(),
			});
			return true;
		};
		listview.$result.on("contextmenu", ".list-row-container", function (event) {
			if (event.ctrlKey || event.shiftKey) return; // the browser's own menu stays reachable
			if (open_for(this, event.clientX, event.clientY)) event.preventDefault();
		});
		// Frappe's rows are focusable (arrow keys move between them): the menu key or Shift+F10
		// opens the menu of the focused row
		listview.$result.on("keydown", ".list-row-container", function (event) {
			if (event.target !== this) return;
			if (event.key !== "ContextMenu" && !(event.key === "F10" && event.shiftKey)) return;
			const rect = this.getBoundingClientRect();
			if (open_for(this, rect.left + 40, rect.top + rect.height)) event.preventDefault();
		});
	}

	// ------------------------------------------------------------ settings

	settings.add_fields = [
		...new Set([
			...(settings.add_fields || []),
			"sales_pipeline",
			"sales_stage",
			"opportunity_code",
			"opportunity_amount",
			"currency",
			"probability",
			"status",
		]),
	];

	// The list and the form put the label and the filter into HTML (the filter in a quoted
	// attribute) without escaping them.
	settings.get_indicator = (doc) => {
		if (!doc.sales_stage) {
			return [
				esc(__(doc.status)),
				frappe.utils.guess_colour(doc.status),
				esc("status,=," + doc.status),
			];
		}
		const stage = find_stage(doc.sales_pipeline, doc.sales_stage);
		return [
			esc(__(doc.sales_stage)),
			color_class(stage?.color),
			esc("sales_stage,=," + doc.sales_stage),
		];
	};

	settings.formatters = {
		...(settings.formatters || {}),
		opportunity_amount(value, df, doc) {
			if (!value) return "";
			const amount = format_currency(value, doc.currency);
			const title = doc.probability
				? __("Weighted: {0} ({1}%)", [
						format_currency((value * doc.probability) / 100, doc.currency),
						doc.probability,
				  ])
				: "";
			return `<span class="ellipsis" title="${esc(title)}">${esc(amount)}</span>`;
		},
		// 0 is "no prediction" (not enough history, not better than the stage default, closed)
		predicted_win_probability(value) {
			if (!value) return "";
			return `<span title="${esc(__("Predicted win probability"))}">${esc(
				Math.round(value)
			)}%</span>`;
		},
	};

	// Frappe's list puts a Data column's value, and the filter of a Link column, into HTML without
	// escaping them (a title, a party name or a stage name could carry markup or quotes): those
	// columns are drawn here, the same way but escaped.
	function escape_columns(listview) {
		const formatters = (settings.formatters = settings.formatters || {});
		const link_types = ["Link", "Dynamic Link"];
		const translated = frappe.boot?.translated_doctypes || [];
		const meta = frappe.get_meta(listview.doctype);
		// the subject (title) is escaped by Frappe and reads its formatter as text
		const subject = [meta.title_field, listview.columns?.[0]?.df?.fieldname];
		meta.fields.forEach((df) => {
			if (formatters[df.fieldname] || subject.includes(df.fieldname)) return;
			if (df.fieldtype !== "Data" && !link_types.includes(df.fieldtype)) return;
			formatters[df.fieldname] = (value, _df, doc) => {
				if (value == null || value === "") return "";
				const title_field = listview.link_field_title_fields?.[df.fieldname];
				let shown = (title_field && doc[`${df.fieldname}_${title_field}`]) || value;
				if (df.fieldtype === "Link" && translated.includes(df.options)) shown = __(shown);
				return `<span class="ellipsis" title="${esc(__(df.label))}: ${esc(shown)}">
					<a class="filterable ellipsis" data-filter="${esc(`${df.fieldname},=,${value}`)}">${esc(shown)}</a>
				</span>`;
			};
		});
	}

	// the code is what people recognise an opportunity by: no separate ID column
	settings.hide_name_column = true;

	settings.onload = function (listview) {
		erpnext_onload && erpnext_onload(listview);
		escape_columns(listview);
		listview.$result.addClass("op-opportunity-list");
		// the indicator column shows the stage: say so, and sort by it
		const indicator = (listview.columns || []).find((col) => col.type === "Status");
		if (indicator) {
			indicator.df = { label: "Sales Stage", fieldname: "sales_stage", fieldtype: "Link" };
			listview.render_header(true);
		}
		state.loaded = null; // fresh colours for each list load
		load_colors().then(() => listview.data?.length && listview.render_list());
		add_quick_filters(listview);
		add_bulk_actions(listview);
		add_row_menu(listview);
		listview.page.add_inner_button(__("Board"), () => {
			const pipeline = listview.page.fields_dict.sales_pipeline?.get_value();
			if (pipeline) frappe.route_options = { pipeline };
			frappe.set_route("opportunity-board");
		});
		listview.$result.on("click", ".op-label-pill", (event) => {
			event.preventDefault();
			event.stopPropagation();
			const field = listview.page.fields_dict.label;
			field && field.set_value($(event.currentTarget).attr("data-label"));
		});
	};

	settings.refresh = function (listview) {
		erpnext_refresh && erpnext_refresh(listview);
		(state.loaded || load_colors()).then(() => show_labels(listview));
	};

	frappe.listview_settings["Opportunity"] = settings;
})();
