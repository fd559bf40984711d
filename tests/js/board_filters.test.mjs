import assert from "node:assert/strict";
import { test } from "node:test";

import {
	active_filter_count,
	choose_pipeline,
	clean_filters,
	load_collapsed,
	pipeline_storage_key,
	remember_pipeline,
	remembered_pipeline,
	same_filters,
	save_collapsed,
	state_from_params,
	state_to_query,
} from "../../opportunity_plus/public/js/board/filters.js";

class MemoryStorage {
	constructor() {
		this.items = new Map();
	}
	getItem(key) {
		return this.items.has(key) ? this.items.get(key) : null;
	}
	setItem(key, value) {
		this.items.set(key, String(value));
	}
}

test("filters survive a round trip through the URL", () => {
	const filters = {
		owner: "a@example.com",
		label: ["Hot deal", "VIP & co"],
		company: "Công ty Á",
		opportunity_type: "Sales",
		closing_from: "2026-01-01",
		closing_to: "2026-03-31",
		search: "50% off?",
	};
	const query = state_to_query("Main Pipeline", filters);
	assert.equal(query.split("&")[0], "pipeline=Main+Pipeline");
	const back = state_from_params(query);
	assert.equal(back.pipeline, "Main Pipeline");
	assert.deepEqual(back.filters, filters);
});

test("the query string is stable and leaves out empty filters", () => {
	assert.equal(
		state_to_query("P", { search: "x", owner: "", label: [], company: "C" }),
		"pipeline=P&company=C&search=x"
	);
	assert.equal(state_to_query(null, {}), "");
});

test("route options (an object) are read like a query string", () => {
	const state = state_from_params({
		pipeline: "P",
		label: "A,B,,A",
		unknown: "x",
		closing_to: "soon",
	});
	assert.deepEqual(state, { pipeline: "P", filters: { label: ["A", "B"] } });
});

test("clean_filters drops unknown keys, blanks and malformed dates", () => {
	assert.deepEqual(
		clean_filters({ owner: "  me@x.com ", status: "Open", closing_from: "01/02/2026" }),
		{
			owner: "me@x.com",
		}
	);
	assert.equal(active_filter_count({ owner: "a", label: ["x"], search: " " }), 2);
	assert.ok(same_filters({ label: "A,B" }, { label: ["A", "B"] }));
	assert.ok(!same_filters({ label: ["B", "A"] }, { label: ["A", "B"] }));
});

test("the pipeline is remembered per user", () => {
	const storage = new MemoryStorage();
	remember_pipeline(storage, "a@x.com", "Projects");
	remember_pipeline(storage, "b@x.com", "Retail");
	assert.equal(remembered_pipeline(storage, "a@x.com"), "Projects");
	assert.equal(remembered_pipeline(storage, "b@x.com"), "Retail");
	assert.equal(remembered_pipeline(storage, "c@x.com"), null);
	assert.notEqual(pipeline_storage_key("a@x.com"), pipeline_storage_key("b@x.com"));
	assert.equal(remembered_pipeline(null, "a@x.com"), null);
});

test("the URL wins over the remembered pipeline, which wins over the default", () => {
	const pipelines = [
		{ name: "Main", is_default: 1 },
		{ name: "Projects", is_default: 0 },
	];
	assert.equal(
		choose_pipeline({ from_url: "Projects", remembered: "Main", pipelines }),
		"Projects"
	);
	assert.equal(
		choose_pipeline({ from_url: null, remembered: "Projects", pipelines }),
		"Projects"
	);
	assert.equal(choose_pipeline({ from_url: null, remembered: "Deleted", pipelines }), "Main");
	assert.equal(choose_pipeline({ from_url: "Gone", remembered: null, pipelines }), "Main");
	assert.equal(choose_pipeline({ from_url: null, remembered: null, pipelines: [] }), null);
});

test("collapsed columns are remembered per user and pipeline", () => {
	const storage = new MemoryStorage();
	save_collapsed(storage, "a@x.com", "Main", ["Won", "Lost"]);
	assert.deepEqual(load_collapsed(storage, "a@x.com", "Main"), ["Won", "Lost"]);
	assert.deepEqual(load_collapsed(storage, "a@x.com", "Other"), []);
	storage.setItem("opportunity_plus:board:collapsed:a@x.com:Bad", "{nope");
	assert.deepEqual(load_collapsed(storage, "a@x.com", "Bad"), []);
});
