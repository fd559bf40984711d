// Card formatting helpers that need no DOM. `__` is frappe's translate function (a plain
// placeholder filler in node tests).

export function fill(text, values) {
	return String(text).replace(/\{(\d+)\}/g, (match, i) => values?.[i] ?? match);
}

const plain = (text, values) => fill(text, values);

// The second line of a card: the party's name when the title does not already say it.
export function party_line(card, __ = plain) {
	const name = (card.customer_name || "").trim();
	const title = (card.title || "").trim();
	if (name && name !== title) return name;
	if (!card.party_name) return "";
	return card.opportunity_from
		? `${__(card.opportunity_from)}: ${card.party_name}`
		: card.party_name;
}

export function card_title(card) {
	return (card.title || card.customer_name || card.party_name || card.name || "").trim();
}

export function days_label(days, __ = plain) {
	if (days == null) return "";
	if (days <= 0) return __("Entered this stage today");
	if (days === 1) return __("1 day in this stage");
	return __("{0} days in this stage", [days]);
}

export function days_short(days) {
	if (days == null) return "";
	return `${Math.max(0, days)}d`;
}

export function stale_label(days, limit, __ = plain) {
	return __("Stale: {0} days in this stage, more than the {1} days allowed", [days, limit]);
}

export function followers_label(count, __ = plain) {
	if (!count) return "";
	return count === 1 ? __("1 follower") : __("{0} followers", [count]);
}

export function initials(full_name) {
	const words = String(full_name || "")
		.trim()
		.split(/\s+/)
		.filter(Boolean);
	if (!words.length) return "?";
	const first = words[0][0];
	const last = words.length > 1 ? words[words.length - 1][0] : "";
	return (first + last).toUpperCase();
}

// Black or white text, whichever reads better on a label's colour.
export function text_color_on(hex) {
	const match = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(String(hex || "").trim());
	if (!match) return null;
	let digits = match[1];
	if (digits.length === 3) digits = [...digits].map((d) => d + d).join("");
	const [r, g, b] = [0, 2, 4].map((i) => parseInt(digits.slice(i, i + 2), 16) / 255);
	const lin = (c) => (c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4));
	const luminance = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
	return luminance > 0.45 ? "#1f272e" : "#ffffff";
}

// A colour usable in a style attribute, or null (never lets arbitrary text into CSS).
export function safe_color(value) {
	const text = String(value || "").trim();
	if (/^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(text)) return text;
	if (/^[a-z]{3,20}$/i.test(text)) return text;
	return null;
}

// What a screen reader says for a card.
export function card_summary(card, { __ = plain, amount = "", closing = "" } = {}) {
	const parts = [card_title(card)];
	const party = party_line(card, __);
	if (party) parts.push(party);
	if (amount) parts.push(amount);
	if (card.probability != null) parts.push(__("{0}% probability", [card.probability]));
	if (closing) parts.push(__("expected closing {0}", [closing]));
	if (card.is_overdue) parts.push(__("overdue"));
	if (card.is_stale) parts.push(__("stale"));
	return parts.join(", ");
}

// Stages offered by a card's "Move to…" menu: every other column, in pipeline order.
export function move_targets(columns, card) {
	return (columns || [])
		.filter((c) => c.sales_stage !== card.sales_stage)
		.map((c) => ({ stage: c.sales_stage, stage_type: c.stage_type, color: c.color }));
}

// The predicted win probability badge of a card; "" when there is no prediction (0 or missing).
export function predicted_label(card, __ = plain) {
	const value = Number(card.predicted_win_probability);
	if (!value) return "";
	return __("Predicted {0}%", [Math.round(value)]);
}

// A move that needs the lost-reasons dialog first.
export function needs_lost_reasons(column) {
	return Boolean(column && (column.stage_type === "Lost" || column.require_lost_reasons));
}
