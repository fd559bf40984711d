// The Opportunity Board page: the DOM layer over the plain modules of this folder.
// Uses what the desk ships: frappe.ui controls and dialogs, Sortable (window.Sortable),
// frappe.realtime, format_currency and frappe.avatar.

import {
	card_summary,
	card_title,
	days_label,
	days_short,
	followers_label,
	move_targets,
	needs_lost_reasons,
	party_line,
	predicted_label,
	safe_color,
	stale_label,
	text_color_on,
} from "./cards.js";
import {
	active_filter_count,
	choose_pipeline,
	clean_filters,
	load_collapsed,
	remember_pipeline,
	remembered_pipeline,
	same_filters,
	save_collapsed,
	state_from_params,
	state_to_query,
} from "./filters.js";
import { choose_stage_dialog, lost_reasons_dialog, quick_add_dialog } from "./dialogs.js";
import { neighbours } from "./ranks.js";
import { RealtimeRefresher } from "./realtime.js";
import { BoardState } from "./state.js";

const API = "opportunity_plus.api.board.";
const ROUTE = "opportunity-board";
const esc = (value) => frappe.utils.escape_html(value == null ? "" : String(value));

const call = (method, args) => frappe.xcall(API + method, args);

function storage() {
	try {
		return window.localStorage;
	} catch (e) {
		return null;
	}
}

export class OpportunityBoard {
	constructor(wrapper) {
		this.wrapper = wrapper;
		this.page = wrapper.page;
		this.user = frappe.session.user;
		this.busy = new Set(); // cards with a move in flight
		this.sortables = [];
		this.filters = {};
		this.pipeline = null;
		this.state = null;

		this.$board = $(`<div class="op-board" role="region"></div>`).appendTo(
			$(wrapper).find(".layout-main-section")
		);
		this.$board.attr("aria-label", __("Opportunity Board"));
		this.realtime = new RealtimeRefresher({
			fetch_card: (name) =>
				call("get_card", { name, pipeline: this.pipeline, filters: this.filters }),
			apply_card: (name, result) => this.apply_realtime_card(name, result),
			refresh_totals: () => this.refresh_totals(),
			is_busy: (name) => this.busy.has(name),
		});
		this.on_list_update = (data) => this.realtime.handle(data);

		this.setup_page();
		this.bind_board_events();
		this.show();
	}

	// -------------------------------------------------------------------------- page and filters

	setup_page() {
		const page = this.page;
		page.set_title(__("Opportunity Board"));
		page.set_primary_action(__("Add Opportunity"), () => this.quick_add(), "add");
		page.add_menu_item(__("Refresh"), () => this.load());
		page.add_menu_item(__("Clear Filters"), () => this.set_filters({}));
		page.add_menu_item(__("Copy Link to This View"), () => this.copy_link());
		page.add_menu_item(__("Opportunity List"), () =>
			frappe.set_route("List", "Opportunity", this.list_route_options())
		);
		page.add_menu_item(__("Sales Pipelines"), () =>
			frappe.set_route("List", "Sales Pipeline")
		);

		this.fields = {};
		const add = (df) => {
			this.fields[df.fieldname] = page.add_field({
				...df,
				change: () => this.on_field_change(df.fieldname),
			});
			this.fields[df.fieldname].$wrapper.addClass(
				df.fieldname === "pipeline" ? "op-board-pipeline" : "op-board-filter"
			);
		};
		add({
			fieldname: "pipeline",
			label: __("Sales Pipeline"),
			fieldtype: "Select",
			options: [],
		});
		add({ fieldname: "mine", label: __("Mine"), fieldtype: "Check" });
		add({ fieldname: "owner", label: __("Owner"), fieldtype: "Link", options: "User" });
		add({
			fieldname: "label",
			label: __("Label"),
			fieldtype: "Link",
			options: "Opportunity Label",
		});
		add({ fieldname: "company", label: __("Company"), fieldtype: "Link", options: "Company" });
		add({
			fieldname: "opportunity_type",
			label: __("Opportunity Type"),
			fieldtype: "Link",
			options: "Opportunity Type",
		});
		add({ fieldname: "closing_from", label: __("Closing From"), fieldtype: "Date" });
		add({ fieldname: "closing_to", label: __("Closing To"), fieldtype: "Date" });
		add({ fieldname: "search", label: __("Search"), fieldtype: "Data" });
		this.fields.search.$input.attr("placeholder", __("Search title, party, code"));
		// on phones the filters fold away behind this button (CSS shows it there only)
		this.$filter_toggle = $(
			`<button class="btn btn-default btn-sm op-board-filter-toggle" aria-expanded="false">
				${frappe.utils.icon("filter", "xs")} <span class="op-board-filter-label"></span>
			</button>`
		)
			.insertAfter(this.fields.pipeline.$wrapper)
			.on("click", () => {
				const $page = $(this.wrapper).toggleClass("op-board-show-filters");
				this.$filter_toggle.attr("aria-expanded", $page.hasClass("op-board-show-filters"));
			});
		this.fields.search.$input.on(
			"input",
			frappe.utils.debounce(() => this.on_field_change("search"), 400)
		);
	}

	on_field_change(fieldname) {
		if (this.setting_fields) return;
		const value = this.fields[fieldname].get_value();
		if (fieldname === "pipeline") {
			if (value && value !== this.pipeline) {
				this.pipeline = value;
				remember_pipeline(storage(), this.user, value);
				this.load();
			}
			return;
		}
		const filters = { ...this.filters };
		if (fieldname === "mine") {
			if (value) filters.owner = this.user;
			else if (filters.owner === this.user) delete filters.owner;
		} else if (fieldname === "label") {
			filters.label = value ? [value] : [];
		} else {
			filters[fieldname] = value;
		}
		this.set_filters(filters);
	}

	set_filters(filters) {
		filters = clean_filters(filters);
		if (same_filters(filters, this.filters)) return this.fill_fields();
		this.filters = filters;
		this.fill_fields();
		this.load();
	}

	fill_fields() {
		this.setting_fields = true;
		try {
			const f = this.filters;
			const set = (name, value) => {
				const field = this.fields[name];
				if ((field.get_value() || "") !== (value || "")) field.set_value(value || "");
			};
			set("owner", f.owner);
			this.fields.mine.set_value(f.owner === this.user ? 1 : 0);
			set("label", (f.label || [])[0]);
			set("company", f.company);
			set("opportunity_type", f.opportunity_type);
			set("closing_from", f.closing_from);
			set("closing_to", f.closing_to);
			if (this.fields.search.get_value() !== (f.search || "")) {
				this.fields.search.set_input(f.search || "");
			}
			const count = active_filter_count(f);
			this.$filter_toggle
				.find(".op-board-filter-label")
				.text(count ? __("Filters ({0})", [count]) : __("Filters"));
		} finally {
			// controls report changes asynchronously
			setTimeout(() => (this.setting_fields = false), 50);
		}
	}

	fill_pipelines(pipelines) {
		const field = this.fields.pipeline;
		// a Select control puts its labels in as HTML
		field.df.options = (pipelines || []).map((p) => ({
			value: p.name,
			label: esc(p.pipeline_name || p.name),
		}));
		field.set_options?.();
		field.refresh();
		this.setting_fields = true;
		field.set_value(this.pipeline);
		setTimeout(() => (this.setting_fields = false), 50);
	}

	// The page is shown (first time or coming back): read the URL, listen to realtime, and load
	// the board again (cards may have changed while the user was on a form).
	show() {
		const from_route = state_from_params(frappe.route_options || {});
		const from_url = state_from_params(window.location.search);
		frappe.route_options = null;
		const filters = Object.keys(from_route.filters).length
			? from_route.filters
			: from_url.filters;
		this.pipeline = from_route.pipeline || from_url.pipeline || this.pipeline;
		this.filters = filters;
		this.fill_fields();
		this.listen();
		this.load();
	}

	hide() {
		frappe.realtime.off("list_update", this.on_list_update);
	}

	listen() {
		frappe.realtime.doctype_subscribe("Opportunity");
		frappe.realtime.off("list_update", this.on_list_update);
		frappe.realtime.on("list_update", this.on_list_update);
	}

	update_url() {
		if (frappe.get_route_str() !== ROUTE) return;
		const query = state_to_query(this.pipeline, this.filters);
		const url = `/app/${ROUTE}${query ? "?" + query : ""}`;
		if (window.location.pathname + window.location.search !== url) {
			window.history.replaceState(null, null, url);
		}
	}

	copy_link() {
		this.update_url();
		frappe.utils.copy_to_clipboard(window.location.href);
	}

	list_route_options() {
		const options = { sales_pipeline: this.pipeline };
		if (this.filters.owner) options.opportunity_owner = this.filters.owner;
		if (this.filters.company) options.company = this.filters.company;
		if (this.filters.opportunity_type)
			options.opportunity_type = this.filters.opportunity_type;
		return options;
	}

	// ------------------------------------------------------------------------------------ loading

	async load() {
		const pipeline = this.pipeline || remembered_pipeline(storage(), this.user);
		this.$board.addClass("op-board-loading");
		let data;
		try {
			data = await call("get_board", { pipeline, filters: this.filters });
		} catch (e) {
			if (pipeline && !this.retried) {
				// a pipeline from the URL or memory that is gone: fall back to the default one
				this.retried = true;
				this.pipeline = null;
				remember_pipeline(storage(), this.user, "");
				return this.load_default();
			}
			this.$board.removeClass("op-board-loading");
			this.render_message(__("The board could not be loaded."));
			return;
		}
		this.retried = false;
		this.$board.removeClass("op-board-loading");
		this.pipeline = choose_pipeline({ from_url: data.pipeline, pipelines: data.pipelines });
		remember_pipeline(storage(), this.user, this.pipeline);
		this.can_create = data.can_create;
		this.page.btn_primary.toggle(Boolean(this.can_create));
		this.fill_pipelines(data.pipelines);
		this.state = new BoardState(data);
		this.collapsed = new Set(load_collapsed(storage(), this.user, this.pipeline));
		this.update_url();
		const scroll = this.$board.scrollLeft();
		this.render();
		this.$board.scrollLeft(scroll);
	}

	async load_default() {
		try {
			const data = await call("get_board", { pipeline: null, filters: this.filters });
			this.pipeline = data.pipeline;
			return this.load();
		} catch (e) {
			this.$board.removeClass("op-board-loading");
			this.render_message(__("The board could not be loaded."));
		}
	}

	async load_more(stage) {
		const column = this.state?.column(stage);
		if (!column || !column.has_more || column.loading) return;
		column.loading = true;
		this.column_el(stage).find(".op-board-more").prop("disabled", true);
		try {
			const page = await call("get_cards", {
				pipeline: this.pipeline,
				stage,
				filters: this.filters,
				start: this.state.next_start(stage),
				page_length: this.state.page_length,
			});
			this.state.append_page(stage, page.cards, page.has_more);
		} finally {
			column.loading = false;
			this.render_cards(stage);
		}
	}

	async refresh_totals() {
		if (!this.state) return;
		try {
			const totals = await call("get_totals", {
				pipeline: this.pipeline,
				filters: this.filters,
			});
			this.state.set_totals(totals);
			this.state.columns.forEach((c) => this.render_header(c.sales_stage));
		} catch (e) {
			// totals stay as they were; the next event or reload corrects them
		}
	}

	apply_realtime_card(name, result) {
		if (!this.state) return;
		const changed = result?.card
			? this.state.upsert(result.card, result.matches)
			: [this.state.remove(name)].filter(Boolean);
		changed.forEach((stage) => this.render_cards(stage));
	}

	// ------------------------------------------------------------------------------------ render

	render_message(message) {
		this.destroy_sortables();
		this.$board.html(`<div class="op-board-empty text-muted">${esc(message)}</div>`);
	}

	render() {
		this.destroy_sortables();
		if (!this.state.columns.length) {
			this.render_message(__("This pipeline has no stages."));
			return;
		}
		this.$board.html(this.state.columns.map((c) => this.column_html(c)).join(""));
		this.state.columns.forEach((c) => {
			this.render_header(c.sales_stage);
			this.render_cards(c.sales_stage);
		});
		this.$board.find(".op-board-cards").each((i, el) => this.make_sortable(el));
	}

	column_el(stage) {
		return this.$board.find(`.op-board-column[data-stage="${CSS.escape(stage)}"]`);
	}

	column_html(column) {
		const color = safe_color(column.color) || "var(--gray-500)";
		const classes = ["op-board-column", `op-stage-${column.stage_type.toLowerCase()}`];
		if (this.collapsed.has(column.sales_stage) && column.collapsible)
			classes.push("collapsed");
		const add =
			this.can_create && !column.is_closed
				? `<button class="btn btn-xs btn-default op-board-add" data-action="add"
						title="${esc(__("Add an opportunity to {0}", [__(column.sales_stage)]))}"
						aria-label="${esc(__("Add an opportunity to {0}", [__(column.sales_stage)]))}">
						${frappe.utils.icon("add", "xs")}</button>`
				: "";
		const toggle = column.collapsible
			? `<button class="btn btn-xs btn-default op-board-toggle" data-action="toggle"
					aria-expanded="${!classes.includes("collapsed")}"
					title="${esc(__("Collapse or expand {0}", [__(column.sales_stage)]))}"
					aria-label="${esc(__("Collapse or expand {0}", [__(column.sales_stage)]))}">
					${frappe.utils.icon("collapse", "xs")}</button>`
			: "";
		return `<section class="${classes.join(" ")}" data-stage="${esc(column.sales_stage)}"
				style="--op-stage-color: ${color}" aria-label="${esc(__(column.sales_stage))}">
			<header class="op-board-column-header">
				<div class="op-board-column-title">
					<span class="op-board-stage-dot"></span>
					<span class="op-board-stage-name">${esc(__(column.sales_stage))}</span>
					<span class="op-board-count badge"></span>
					<span class="op-board-column-actions">${add}${toggle}</span>
				</div>
				<div class="op-board-totals"></div>
			</header>
			<div class="op-board-cards" role="list" aria-label="${esc(__(column.sales_stage))}"></div>
			<div class="op-board-column-footer"></div>
		</section>`;
	}

	render_header(stage) {
		const column = this.state.column(stage);
		const $column = this.column_el(stage);
		if (!column || !$column.length) return;
		const currency = this.state.currency;
		$column.find(".op-board-count").text(column.count);
		$column.find(".op-board-totals").html(
			`<span class="op-board-total" title="${esc(__("Total amount"))}">${esc(
				format_currency(column.amount, currency)
			)}</span>
			<span class="op-board-weighted text-muted" title="${esc(__("Weighted by probability"))}">${esc(
				__("Weighted")
			)}: ${esc(format_currency(column.weighted, currency))}</span>`
		);
	}

	render_cards(stage) {
		const column = this.state.column(stage);
		const $column = this.column_el(stage);
		if (!column || !$column.length) return;
		const $cards = $column.find(".op-board-cards");
		$cards.html(column.cards.map((card) => this.card_html(card, column)).join(""));
		const $footer = $column.find(".op-board-column-footer").empty();
		if (column.has_more) {
			$footer.html(
				`<button class="btn btn-xs btn-default btn-block op-board-more" data-action="more">${esc(
					__("Load more")
				)}</button>`
			);
		} else if (!column.cards.length) {
			$cards.html(
				`<div class="op-board-placeholder text-muted">${esc(__("No opportunities"))}</div>`
			);
		}
		this.render_header(stage);
	}

	card_html(card, column) {
		return frappe.render_template("opportunity_board_card", this.card_context(card, column));
	}

	// What opportunity_board_card.html shows of a card: raw values, escaped by the template.
	card_context(card, column) {
		const title = card_title(card);
		const amount = card.opportunity_amount
			? format_currency(card.opportunity_amount, card.currency || this.state.currency)
			: "";
		const closing = card.expected_closing
			? frappe.datetime.str_to_user(card.expected_closing)
			: "";
		const owner = card.opportunity_owner;
		const classes = ["op-board-card"];
		if (card.is_stale) classes.push("is-stale");
		if (card.is_overdue) classes.push("is-overdue");
		if (this.busy.has(card.name)) classes.push("is-busy");
		return {
			esc,
			card,
			title,
			party: party_line(card, __),
			amount,
			closing,
			summary: card_summary(card, { __, amount, closing }),
			classes: classes.join(" "),
			owner,
			owner_name: owner ? frappe.user.full_name(owner) : "",
			avatar_html: owner ? frappe.avatar(owner, "avatar-small") : "",
			labels: (card.labels || []).map((l) => {
				const bg = safe_color(l.color);
				return {
					label: l.label,
					style: bg
						? `background-color:${bg};color:${text_color_on(bg) || "inherit"}`
						: "",
				};
			}),
			predicted: predicted_label(card, __),
			predicted_title: __(
				"Predicted win probability, learned from this site's won and lost opportunities"
			),
			days_title: days_label(card.days_in_stage, __),
			days_text: days_short(card.days_in_stage),
			stale_title: card.is_stale
				? stale_label(card.days_in_stage, column.stale_after_days, __)
				: "",
			followers_title: card.follower_count ? followers_label(card.follower_count, __) : "",
		};
	}

	// ---------------------------------------------------------------------------------- events

	// The Opportunity list's row menu (defined in opportunity_list.js, loaded with the doctype).
	context_menu(card_el, x, y) {
		const name = $(card_el).attr("data-name");
		const card = this.state.columns
			.flatMap((column) => column.cards)
			.find((c) => c.name === name);
		frappe.model.with_doctype("Opportunity", () => {
			const menu = frappe.provide("opportunity_plus.list").opportunity_menu;
			if (!menu) return this.move_menu(name);
			menu({
				name,
				title: card ? card_title(card) : name,
				pipeline: this.pipeline,
				x,
				y,
				return_focus: card_el,
				done: () => this.load(),
				move: () => this.move_menu(name),
			});
		});
	}

	bind_board_events() {
		const me = this;
		this.$board.on("click", ".op-board-card", function (e) {
			const $target = $(e.target);
			if ($target.closest("[data-action]").length) return;
			if (e.ctrlKey || e.metaKey || e.button === 1) return; // let the link open a new tab
			e.preventDefault();
			me.open($(this).attr("data-name"));
		});
		this.$board.on("keydown", ".op-board-card", function (e) {
			if (e.target !== this) return;
			const name = $(this).attr("data-name");
			if (e.key === "Enter") {
				e.preventDefault();
				me.open(name);
			} else if (e.key === "m" || e.key === "M") {
				e.preventDefault();
				me.move_menu(name);
			} else if (e.key === "ContextMenu" || (e.key === "F10" && e.shiftKey)) {
				e.preventDefault();
				const rect = this.getBoundingClientRect();
				me.context_menu(this, rect.left + 24, rect.top + Math.min(rect.height, 48));
			} else if (["ArrowDown", "ArrowUp", "ArrowLeft", "ArrowRight"].includes(e.key)) {
				e.preventDefault();
				me.focus_neighbour(this, e.key);
			}
		});
		// right-click: the same menu as a row of the Opportunity list (open, move, labels, followers,
		// assign, duplicate, print); Ctrl or Shift keeps the browser's own menu
		this.$board.on("contextmenu", ".op-board-card", function (e) {
			if (e.ctrlKey || e.shiftKey) return;
			e.preventDefault();
			me.context_menu(this, e.clientX, e.clientY);
		});
		this.$board.on("click", "[data-action]", function (e) {
			e.preventDefault();
			e.stopPropagation();
			const action = $(this).attr("data-action");
			const stage = $(this).closest(".op-board-column").attr("data-stage");
			if (action === "move")
				me.move_menu($(this).closest(".op-board-card").attr("data-name"));
			if (action === "add") me.quick_add(stage);
			if (action === "toggle") me.toggle_column(stage);
			if (action === "more") me.load_more(stage);
		});
		// Load the next page when a column is scrolled near its end.
		this.$board[0].addEventListener(
			"scroll",
			(e) => {
				const el = e.target;
				if (!el.classList || !el.classList.contains("op-board-cards")) return;
				if (el.scrollTop + el.clientHeight >= el.scrollHeight - 120) {
					me.load_more($(el).closest(".op-board-column").attr("data-stage"));
				}
			},
			true
		);
	}

	focus_neighbour(card_el, key) {
		const $card = $(card_el);
		if (key === "ArrowDown") return $card.nextAll(".op-board-card").first().trigger("focus");
		if (key === "ArrowUp") return $card.prevAll(".op-board-card").first().trigger("focus");
		const $columns = this.$board.find(".op-board-column");
		const index = $columns.index($card.closest(".op-board-column"));
		const step = key === "ArrowRight" ? 1 : -1;
		for (let i = index + step; i >= 0 && i < $columns.length; i += step) {
			const $first = $columns.eq(i).find(".op-board-card").first();
			if ($first.length) return $first.trigger("focus");
		}
	}

	open(name) {
		if (name) frappe.set_route("Form", "Opportunity", name);
	}

	toggle_column(stage) {
		if (this.collapsed.has(stage)) this.collapsed.delete(stage);
		else this.collapsed.add(stage);
		save_collapsed(storage(), this.user, this.pipeline, [...this.collapsed]);
		const $column = this.column_el(stage);
		$column.toggleClass("collapsed", this.collapsed.has(stage));
		$column.find(".op-board-toggle").attr("aria-expanded", !this.collapsed.has(stage));
	}

	// ---------------------------------------------------------------------------------- moves

	make_sortable(el) {
		if (!window.Sortable) return;
		this.sortables.push(
			window.Sortable.create(el, {
				group: "opportunity-board",
				draggable: ".op-board-card",
				filter: "[data-action], .op-board-placeholder",
				preventOnFilter: false,
				animation: 150,
				forceFallback: true,
				fallbackTolerance: 4,
				delay: 200,
				delayOnTouchOnly: true,
				ghostClass: "op-board-ghost",
				chosenClass: "op-board-chosen",
				dragClass: "op-board-drag",
				onStart: () => this.$board.addClass("op-board-dragging"),
				onEnd: (e) => {
					this.$board.removeClass("op-board-dragging");
					const name = $(e.item).attr("data-name");
					const from = $(e.from).closest(".op-board-column").attr("data-stage");
					const to = $(e.to).closest(".op-board-column").attr("data-stage");
					if (from === to && e.oldIndex === e.newIndex) return;
					const names = $(e.to)
						.children(".op-board-card")
						.map((i, c) => $(c).attr("data-name"))
						.get();
					const index = names.indexOf(name);
					this.move(name, to, index, neighbours(names, index));
				},
			})
		);
	}

	destroy_sortables() {
		this.sortables.forEach((s) => s.destroy());
		this.sortables = [];
	}

	move_menu(name) {
		const found = this.state?.find(name);
		if (!found) return;
		const card = found.card;
		choose_stage_dialog(card, move_targets(this.state.columns, card), (stage) =>
			this.move(name, stage, 0, { after: null, before: this.state.names(stage)[0] || null })
		);
	}

	async move(name, to_stage, index, { after, before }) {
		const found = this.state.find(name);
		const target = this.state.column(to_stage);
		if (!found || !target || this.busy.has(name)) return this.render_cards(to_stage);
		const from_stage = found.column.sales_stage;
		const card = found.card;
		let lost = {};
		if (from_stage !== to_stage && needs_lost_reasons(target)) {
			lost = await lost_reasons_dialog(card, target);
			if (!lost) {
				// cancelled: put the card back
				this.render_cards(from_stage);
				if (to_stage !== from_stage) this.render_cards(to_stage);
				return;
			}
		}

		const undo = this.state.move(name, to_stage, index);
		this.busy.add(name);
		this.render_cards(from_stage);
		if (to_stage !== from_stage) this.render_cards(to_stage);
		try {
			// frappe.call, not frappe.xcall: a refusal's exc_type tells an outdated card from a refused move
			const result = await new Promise((resolve, reject) =>
				frappe.call({
					method: API + "move_card",
					args: {
						opportunity: name,
						to_stage,
						modified: card.modified,
						before,
						after,
						filters: this.filters,
						...lost,
					},
					callback: (r) => resolve(r.message),
					error: (r) => reject(r || {}),
				})
			);
			this.busy.delete(name);
			this.state.apply_move(result);
			if (from_stage !== to_stage) {
				frappe.show_alert({
					message: __("{0} moved to {1}", [esc(card_title(card)), esc(__(to_stage))]),
					indicator: "green",
				});
			}
		} catch (r) {
			// refused: snap back; the server's message is shown by frappe.call
			this.busy.delete(name);
			this.state.revert(undo);
			if (r?.exc_type === "TimestampMismatchError") {
				this.realtime.handle({ doctype: "Opportunity", name });
			}
		}
		this.render_cards(from_stage);
		if (to_stage !== from_stage) this.render_cards(to_stage);
		this.column_el(this.state.find(name)?.column.sales_stage || from_stage)
			.find(`.op-board-card[data-name="${CSS.escape(name)}"]`)
			.trigger("focus");
	}

	// ------------------------------------------------------------------------------ quick add

	quick_add(stage) {
		if (!this.state) return;
		const open = this.state.columns.filter((c) => !c.is_closed);
		if (!open.length) return;
		quick_add_dialog({
			stages: open.map((c) => c.sales_stage),
			stage: stage || open[0].sales_stage,
			currency: this.state.currency,
			add: (values) =>
				call("quick_add", {
					pipeline: this.pipeline,
					stage: values.stage,
					opportunity_from: values.opportunity_from,
					party_name: values.party_name,
					title: values.title,
					opportunity_amount: values.opportunity_amount,
					expected_closing: values.expected_closing,
					company: this.filters.company,
					filters: this.filters,
				}),
			added: (result, values) => {
				if (result.card) this.state.add(result.card);
				this.state.set_totals(result.totals);
				this.render_cards(values.stage);
				frappe.show_alert({
					message: __("{0} added to {1}", [
						esc(card_title(result.card || {})),
						esc(__(values.stage)),
					]),
					indicator: "green",
				});
			},
		});
	}
}
