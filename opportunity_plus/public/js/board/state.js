// What the board shows, without the DOM: columns, their cards and totals, and how a move,
// a refused move or a realtime update changes them.

import { compare_cards, insert_index } from "./ranks.js";

function round(value) {
	return Math.round(value * 1e6) / 1e6;
}

export function weighted(card) {
	return (Number(card.base_opportunity_amount) || 0) * ((Number(card.probability) || 0) / 100);
}

function totals_of(column) {
	return { count: column.count, amount: column.amount, weighted: column.weighted };
}

export class BoardState {
	constructor(board) {
		this.load(board);
	}

	load(board) {
		this.pipeline = board.pipeline;
		this.currency = board.currency;
		this.page_length = board.page_length || 20;
		this.columns = (board.columns || []).map((column) => ({
			...column,
			cards: [...(column.cards || [])],
			has_more: Boolean(column.has_more),
		}));
	}

	column(stage) {
		return this.columns.find((c) => c.sales_stage === stage) || null;
	}

	find(name) {
		for (const column of this.columns) {
			const index = column.cards.findIndex((c) => c.name === name);
			if (index !== -1) return { column, index, card: column.cards[index] };
		}
		return null;
	}

	names(stage) {
		return (this.column(stage)?.cards || []).map((c) => c.name);
	}

	// Append the next page of a column, skipping cards already shown (moves shift the pages).
	append_page(stage, cards, has_more) {
		const column = this.column(stage);
		if (!column) return [];
		const added = [];
		for (const card of cards) {
			if (this.find(card.name)) continue;
			column.cards.push(card);
			added.push(card);
		}
		column.has_more = Boolean(has_more);
		return added;
	}

	next_start(stage) {
		return this.column(stage)?.cards.length || 0;
	}

	set_totals(totals) {
		for (const [stage, values] of Object.entries(totals || {})) {
			const column = this.column(stage);
			if (!column) continue;
			column.count = Number(values.count) || 0;
			column.amount = Number(values.amount) || 0;
			column.weighted = Number(values.weighted) || 0;
		}
	}

	// The probability a card gets in a new column: the stage's own, as the server applies it.
	probability_in(stage, card) {
		const column = this.column(stage);
		if (!column || column.sales_stage === card.sales_stage) return card.probability;
		return column.probability == null ? card.probability : column.probability;
	}

	// Move a card at once (before the server answers) and return what undoes it.
	move(name, to_stage, index) {
		const found = this.find(name);
		const target = this.column(to_stage);
		if (!found || !target) return null;
		const { column: source, index: from_index, card } = found;
		const snapshot = {
			name,
			from_stage: source.sales_stage,
			from_index,
			card: { ...card },
			totals: { [source.sales_stage]: totals_of(source), [to_stage]: totals_of(target) },
		};

		source.cards.splice(from_index, 1);
		const moved = { ...card };
		if (source !== target) {
			source.count = Math.max(0, source.count - 1);
			source.amount = round(source.amount - (Number(card.base_opportunity_amount) || 0));
			source.weighted = round(source.weighted - weighted(card));
			moved.probability = this.probability_in(to_stage, card);
			moved.sales_stage = to_stage;
			target.count += 1;
			target.amount = round(target.amount + (Number(moved.base_opportunity_amount) || 0));
			target.weighted = round(target.weighted + weighted(moved));
		}
		const at = Math.max(0, Math.min(index ?? 0, target.cards.length));
		target.cards.splice(at, 0, moved);
		return snapshot;
	}

	// Put a refused move back exactly where it was.
	revert(snapshot) {
		if (!snapshot) return;
		this.remove(snapshot.name);
		const source = this.column(snapshot.from_stage);
		if (source) {
			const at = Math.min(snapshot.from_index, source.cards.length);
			source.cards.splice(at, 0, snapshot.card);
		}
		this.set_totals(snapshot.totals);
	}

	// The server's answer to a move: the saved card and the totals of both columns.
	apply_move(result) {
		if (result?.card) this.replace(result.card);
		this.set_totals(result?.totals);
	}

	replace(card) {
		const found = this.find(card.name);
		if (found) found.column.cards[found.index] = { ...found.card, ...card };
	}

	remove(name) {
		const found = this.find(name);
		if (!found) return null;
		found.column.cards.splice(found.index, 1);
		return found.column.sales_stage;
	}

	// A card fetched after a realtime event: show it where it now belongs, or drop it.
	// Returns the stages whose card lists changed.
	upsert(card, matches = true) {
		const changed = new Set();
		const name = card?.name;
		if (!name) return [];
		const previous = this.remove(name);
		if (previous) changed.add(previous);
		if (!matches || card.sales_pipeline !== this.pipeline) return [...changed];
		const column = this.column(card.sales_stage);
		if (!column) return [...changed];
		const at = insert_index(column.cards, card, column.has_more);
		if (at !== -1) {
			column.cards.splice(at, 0, card);
			changed.add(column.sales_stage);
		}
		return [...changed];
	}

	// Insert a card created on the board (quick add) at its place.
	add(card) {
		return this.upsert(card, true);
	}

	sort(stage) {
		this.column(stage)?.cards.sort(compare_cards);
	}
}
