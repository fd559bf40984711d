import assert from "node:assert/strict";
import { test } from "node:test";

import {
	card_summary,
	card_title,
	days_label,
	days_short,
	followers_label,
	initials,
	move_targets,
	needs_lost_reasons,
	party_line,
	predicted_label,
	safe_color,
	stale_label,
	text_color_on,
} from "../../opportunity_plus/public/js/board/cards.js";

test("the party line shows the party only when the title does not", () => {
	assert.equal(party_line({ title: "Big deal", customer_name: "Acme" }), "Acme");
	assert.equal(
		party_line({
			title: "Acme",
			customer_name: "Acme",
			opportunity_from: "Lead",
			party_name: "CRM-LEAD-1",
		}),
		"Lead: CRM-LEAD-1"
	);
	const vi = (text, values) => ({ Lead: "Khách hàng tiềm năng" }[text] || text);
	assert.equal(
		party_line(
			{ title: "A", customer_name: "A", opportunity_from: "Lead", party_name: "L1" },
			vi
		),
		"Khách hàng tiềm năng: L1"
	);
	assert.equal(party_line({ title: "A" }), "");
	assert.equal(
		card_title({ title: "", customer_name: "", party_name: "", name: "OPP-1" }),
		"OPP-1"
	);
});

test("days in stage, stale and followers read as sentences", () => {
	assert.equal(days_label(null), "");
	assert.equal(days_label(0), "Entered this stage today");
	assert.equal(days_label(1), "1 day in this stage");
	assert.equal(days_label(12), "12 days in this stage");
	assert.equal(days_short(12), "12d");
	assert.equal(
		stale_label(20, 14),
		"Stale: 20 days in this stage, more than the 14 days allowed"
	);
	assert.equal(followers_label(0), "");
	assert.equal(followers_label(1), "1 follower");
	assert.equal(followers_label(3), "3 followers");
});

test("initials of the owner for the avatar", () => {
	assert.equal(initials("Nguyễn Văn An"), "NA");
	assert.equal(initials("admin"), "A");
	assert.equal(initials(""), "?");
});

test("label text stays readable on its colour and colours are sanitised", () => {
	assert.equal(text_color_on("#ffffff"), "#1f272e");
	assert.equal(text_color_on("#FFEB3B"), "#1f272e");
	assert.equal(text_color_on("#000"), "#ffffff");
	assert.equal(text_color_on("#E24C4C"), "#ffffff");
	assert.equal(text_color_on("red; background: url(x)"), null);
	assert.equal(safe_color("#5E64FF"), "#5E64FF");
	assert.equal(safe_color("blue"), "blue");
	assert.equal(safe_color("red;x:y"), null);
	assert.equal(safe_color("url(javascript:1)"), null);
	// nothing that could leave a style attribute or add a declaration
	assert.equal(safe_color('#fff" onmouseover="window.__xss=1'), null);
	assert.equal(safe_color("#fff' autofocus onfocus='x"), null);
	assert.equal(safe_color("red;background:red"), null);
	assert.equal(safe_color("#5E64FF;"), null);
	assert.equal(safe_color("&lt;b&gt;"), null);
	assert.equal(safe_color(null), null);
	assert.equal(safe_color("  #abc  "), "#abc");
});

test("card summary for screen readers", () => {
	const card = {
		title: "Big deal",
		customer_name: "Acme",
		probability: 40,
		is_overdue: true,
		is_stale: false,
	};
	assert.equal(
		card_summary(card, { amount: "$1,000.00", closing: "01-02-2026" }),
		"Big deal, Acme, $1,000.00, 40% probability, expected closing 01-02-2026, overdue"
	);
});

test("move targets are the other columns in order; Lost needs reasons", () => {
	const columns = [
		{ sales_stage: "New", stage_type: "Open" },
		{ sales_stage: "Won", stage_type: "Won" },
		{ sales_stage: "Lost", stage_type: "Lost" },
		{ sales_stage: "Parked", stage_type: "Open", require_lost_reasons: true },
	];
	assert.deepEqual(
		move_targets(columns, { sales_stage: "Won" }).map((t) => t.stage),
		["New", "Lost", "Parked"]
	);
	assert.deepEqual(columns.map(needs_lost_reasons), [false, false, true, true]);
	assert.equal(needs_lost_reasons(null), false);
});

test("the predicted badge shows a prediction, and nothing when there is none", () => {
	assert.equal(predicted_label({ predicted_win_probability: 37.4 }), "Predicted 37%");
	assert.equal(predicted_label({ predicted_win_probability: 0 }), "");
	assert.equal(predicted_label({}), "");
});
