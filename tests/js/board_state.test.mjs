import assert from "node:assert/strict";
import { test } from "node:test";

import { BoardState } from "../../opportunity_plus/public/js/board/state.js";

function card(name, stage, amount, probability, extra = {}) {
	return {
		name,
		sales_pipeline: "Main",
		sales_stage: stage,
		base_opportunity_amount: amount,
		probability,
		board_rank: 0,
		creation: `2026-01-0${name.length} 00:00:00`,
		...extra,
	};
}

function board() {
	return {
		pipeline: "Main",
		currency: "VND",
		page_length: 2,
		columns: [
			{
				sales_stage: "New",
				stage_type: "Open",
				probability: 10,
				count: 3,
				amount: 3000,
				weighted: 300,
				has_more: true,
				cards: [card("a", "New", 1000, 10), card("b", "New", 2000, 10)],
			},
			{
				sales_stage: "Offer",
				stage_type: "Open",
				probability: 60,
				count: 1,
				amount: 500,
				weighted: 300,
				cards: [card("c", "Offer", 500, 60)],
			},
			{
				sales_stage: "Won",
				stage_type: "Won",
				probability: 100,
				count: 0,
				amount: 0,
				weighted: 0,
				cards: [],
			},
		],
	};
}

const totals = (state, stage) => {
	const c = state.column(stage);
	return [c.count, c.amount, c.weighted];
};

test("a move updates both columns' totals at once, with the stage's probability", () => {
	const state = new BoardState(board());
	state.move("b", "Offer", 0);
	assert.deepEqual(totals(state, "New"), [2, 1000, 100]);
	assert.deepEqual(totals(state, "Offer"), [2, 2500, 1500]);
	assert.deepEqual(state.names("Offer"), ["b", "c"]);
	assert.equal(state.find("b").card.probability, 60);
	assert.equal(state.find("b").card.sales_stage, "Offer");
});

test("a move within a column changes order but not totals", () => {
	const state = new BoardState(board());
	state.move("a", "New", 1);
	assert.deepEqual(state.names("New"), ["b", "a"]);
	assert.deepEqual(totals(state, "New"), [3, 3000, 300]);
});

test("a refused move snaps back to the same place with the same totals", () => {
	const state = new BoardState(board());
	const before = JSON.stringify(state.columns);
	const undo = state.move("a", "Won", 0);
	assert.deepEqual(totals(state, "Won"), [1, 1000, 1000]);
	state.revert(undo);
	assert.equal(JSON.stringify(state.columns), before);
});

test("the server's answer replaces the card and the totals", () => {
	const state = new BoardState(board());
	state.move("a", "Offer", 1);
	state.apply_move({
		card: { ...card("a", "Offer", 1000, 55), modified: "2026-02-02 10:00:00" },
		totals: {
			New: { count: 2, amount: 2000, weighted: 200 },
			Offer: { count: 2, amount: 1500, weighted: 850 },
		},
	});
	assert.equal(state.find("a").card.probability, 55);
	assert.equal(state.find("a").card.modified, "2026-02-02 10:00:00");
	assert.deepEqual(totals(state, "Offer"), [2, 1500, 850]);
});

test("pages append without repeating cards that moved in meanwhile", () => {
	const state = new BoardState(board());
	state.move("c", "New", 0);
	const added = state.append_page(
		"New",
		[card("c", "New", 500, 10), card("ddd", "New", 1, 10)],
		false
	);
	assert.deepEqual(
		added.map((c) => c.name),
		["ddd"]
	);
	assert.deepEqual(state.names("New"), ["c", "a", "b", "ddd"]);
	assert.equal(state.column("New").has_more, false);
	assert.equal(state.next_start("New"), 4);
});

test("realtime upsert moves a card to its new column in rank order", () => {
	const state = new BoardState(board());
	const changed = state.upsert(card("a", "Offer", 1000, 60, { board_rank: 1 }));
	assert.deepEqual(changed.sort(), ["New", "Offer"]);
	assert.deepEqual(state.names("Offer"), ["c", "a"]);
	assert.deepEqual(state.names("New"), ["b"]);
});

test("realtime upsert drops a card that no longer matches or left the pipeline", () => {
	const state = new BoardState(board());
	assert.deepEqual(state.upsert(card("a", "New", 1, 10), false), ["New"]);
	assert.equal(state.find("a"), null);
	assert.deepEqual(state.upsert({ ...card("b", "New", 1, 10), sales_pipeline: "Other" }), [
		"New",
	]);
	assert.equal(state.find("b"), null);
	assert.deepEqual(state.upsert(card("zz", "Gone", 1, 10)), []);
});

test("a new card past the loaded page of a longer column waits for paging", () => {
	const state = new BoardState(board());
	state.upsert(card("late", "New", 1, 10, { board_rank: 9 }));
	assert.equal(state.find("late"), null);
	state.upsert(card("early", "New", 1, 10, { board_rank: -9 }));
	assert.equal(state.names("New")[0], "early");
});
