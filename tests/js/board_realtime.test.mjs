import assert from "node:assert/strict";
import { test } from "node:test";

import { RealtimeRefresher } from "../../opportunity_plus/public/js/board/realtime.js";

// A fake clock: timers run only when the test says so.
function clock() {
	const timers = new Map();
	let id = 0;
	return {
		set_timer: (fn) => {
			timers.set(++id, fn);
			return id;
		},
		clear_timer: (key) => timers.delete(key),
		async run() {
			const due = [...timers.values()];
			timers.clear();
			for (const fn of due) await fn();
		},
		get size() {
			return timers.size;
		},
	};
}

function refresher(overrides = {}) {
	const log = { fetched: [], applied: [], totals: 0 };
	const time = clock();
	const r = new RealtimeRefresher({
		fetch_card: async (name) => {
			log.fetched.push(name);
			return { card: { name }, matches: name !== "hidden" };
		},
		apply_card: (name, result) => log.applied.push([name, result.matches]),
		refresh_totals: async () => {
			log.totals += 1;
		},
		set_timer: time.set_timer,
		clear_timer: time.clear_timer,
		...overrides,
	});
	return { r, log, time };
}

test("an Opportunity event re-fetches that card, then the totals", async () => {
	const { r, log } = refresher();
	assert.equal(r.handle({ doctype: "Opportunity", name: "OPP-1", user: "b@x.com" }), true);
	await r.flush();
	assert.deepEqual(log.fetched, ["OPP-1"]);
	assert.deepEqual(log.applied, [["OPP-1", true]]);
	assert.equal(log.totals, 1);
});

test("events of other doctypes or without a name are ignored", async () => {
	const { r, log, time } = refresher();
	assert.equal(r.handle({ doctype: "Lead", name: "L-1" }), false);
	assert.equal(r.handle({ doctype: "Opportunity" }), false);
	assert.equal(r.handle(null), false);
	assert.equal(time.size, 0);
	await r.flush();
	assert.deepEqual(log.fetched, []);
	assert.equal(log.totals, 0);
});

test("a burst of events is one batch: each card fetched once, totals once", async () => {
	const { r, log, time } = refresher();
	for (const name of ["OPP-1", "OPP-2", "OPP-1", "hidden"])
		r.handle({ doctype: "Opportunity", name });
	assert.equal(time.size, 1);
	await time.run();
	assert.deepEqual(log.fetched, ["OPP-1", "OPP-2", "hidden"]);
	assert.deepEqual(log.applied, [
		["OPP-1", true],
		["OPP-2", true],
		["hidden", false],
	]);
	assert.equal(log.totals, 1);
});

test("a card this user is moving waits until the move is over", async () => {
	const busy = new Set(["OPP-1"]);
	const { r, log, time } = refresher({ is_busy: (name) => busy.has(name) });
	r.handle({ doctype: "Opportunity", name: "OPP-1" });
	await time.run();
	assert.deepEqual(log.fetched, []);
	assert.equal(time.size, 1); // retried later
	busy.delete("OPP-1");
	await time.run();
	assert.deepEqual(log.fetched, ["OPP-1"]);
});

test("a card the user may no longer read is removed; a failed fetch changes nothing", async () => {
	const { r, log } = refresher({
		fetch_card: async (name) => {
			if (name === "broken") throw new Error("offline");
			return { card: null, matches: false };
		},
	});
	r.handle({ doctype: "Opportunity", name: "gone" });
	r.handle({ doctype: "Opportunity", name: "broken" });
	await r.flush();
	assert.deepEqual(log.applied, [["gone", false]]);
	assert.equal(log.totals, 1);
});

test("stop forgets pending events", async () => {
	const { r, log, time } = refresher();
	r.handle({ doctype: "Opportunity", name: "OPP-1" });
	r.stop();
	assert.equal(time.size, 0);
	await r.flush();
	assert.deepEqual(log.fetched, []);
});

test("with the real timers, a batch runs on its own after the wait", async () => {
	const fetched = [];
	const r = new RealtimeRefresher({
		wait: 5,
		fetch_card: async (name) => {
			fetched.push(name);
			return { card: { name }, matches: true };
		},
		apply_card: () => {},
		refresh_totals: async () => {},
	});
	// called as a plain function, as the browser's socket does
	const handler = (data) => r.handle(data);
	handler({ doctype: "Opportunity", name: "OPP-9" });
	await new Promise((resolve) => setTimeout(resolve, 50));
	assert.deepEqual(fetched, ["OPP-9"]);
});
