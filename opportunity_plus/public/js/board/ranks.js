// Card order within a column: board_rank ascending, then newest first (as the server sorts).

export function compare_cards(a, b) {
	const ra = Number(a.board_rank || 0);
	const rb = Number(b.board_rank || 0);
	if (ra !== rb) return ra - rb;
	const ca = String(a.creation || "");
	const cb = String(b.creation || "");
	if (ca === cb) return 0;
	return ca < cb ? 1 : -1;
}

// The neighbours a dropped card is sent with: `after` is the card above it, `before` the one below.
export function neighbours(names, index) {
	return {
		after: index > 0 ? names[index - 1] : null,
		before: index + 1 < names.length ? names[index + 1] : null,
	};
}

// Where a card goes in an ordered list; -1 when it sorts after the last loaded card of a column
// that has more cards on the server (it will come with the next page instead).
export function insert_index(cards, card, has_more = false) {
	for (let i = 0; i < cards.length; i++) {
		if (compare_cards(card, cards[i]) < 0) return i;
	}
	return has_more ? -1 : cards.length;
}
