import assert from "node:assert/strict";
import { test } from "node:test";

import {
	compare_cards,
	insert_index,
	neighbours,
} from "../../opportunity_plus/public/js/board/ranks.js";

const card = (name, board_rank, creation) => ({ name, board_rank, creation });

test("cards sort by rank, then newest first, like the server", () => {
	const cards = [
		card("old", 0, "2026-01-01 10:00:00"),
		card("ranked", -1, "2025-01-01 10:00:00"),
		card("new", 0, "2026-02-01 10:00:00"),
		card("last", 2.5, "2026-03-01 10:00:00"),
	];
	assert.deepEqual(
		[...cards].sort(compare_cards).map((c) => c.name),
		["ranked", "new", "old", "last"]
	);
});

test("a dropped card is sent with the card above (after) and below (before) it", () => {
	const names = ["a", "b", "c"];
	assert.deepEqual(neighbours(names, 0), { after: null, before: "b" });
	assert.deepEqual(neighbours(names, 1), { after: "a", before: "c" });
	assert.deepEqual(neighbours(names, 2), { after: "b", before: null });
	assert.deepEqual(neighbours(["only"], 0), { after: null, before: null });
});

test("insert_index finds the place, or -1 past the loaded page of a longer column", () => {
	const cards = [card("a", -2, "x"), card("b", 0, "2026-02-01"), card("c", 0, "2026-01-01")];
	assert.equal(insert_index(cards, card("n", -3, "z")), 0);
	assert.equal(insert_index(cards, card("n", 0, "2026-01-15")), 2);
	assert.equal(insert_index(cards, card("n", 5, "z")), 3);
	assert.equal(insert_index(cards, card("n", 5, "z"), true), -1);
	assert.equal(insert_index([], card("n", 5, "z"), false), 0);
});
