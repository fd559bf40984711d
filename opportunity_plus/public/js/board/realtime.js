// Realtime refresh of an open board. Frappe publishes `list_update` ({doctype, name, user}) for every
// saved Opportunity to the doctype room; the board re-fetches that one card through the
// permission-checked API (so a user only sees what they may open) and then the column totals.
// Events close together are handled in one batch; cards being moved by this user wait.

export class RealtimeRefresher {
	constructor({
		doctype = "Opportunity",
		fetch_card,
		apply_card,
		refresh_totals,
		is_busy = () => false,
		wait = 300,
		// wrapped: browsers refuse setTimeout called as a method of another object
		set_timer = (fn, ms) => setTimeout(fn, ms),
		clear_timer = (id) => clearTimeout(id),
	}) {
		Object.assign(this, {
			doctype,
			fetch_card,
			apply_card,
			refresh_totals,
			is_busy,
			wait,
			set_timer,
			clear_timer,
		});
		this.pending = new Set();
		this.timer = null;
		this.running = null;
	}

	// The `list_update` handler. Returns true when the event concerns this board.
	handle(data) {
		if (!data || data.doctype !== this.doctype || !data.name) return false;
		this.pending.add(data.name);
		this.schedule();
		return true;
	}

	schedule(wait = this.wait) {
		if (this.timer) this.clear_timer(this.timer);
		this.timer = this.set_timer(() => {
			this.timer = null;
			return this.flush();
		}, wait);
	}

	async flush() {
		if (this.running) {
			await this.running;
		}
		const names = [...this.pending].filter((name) => !this.is_busy(name));
		const waiting = [...this.pending].filter((name) => this.is_busy(name));
		this.pending = new Set(waiting);
		if (waiting.length) this.schedule(this.wait * 2);
		if (!names.length) return [];
		this.running = (async () => {
			for (const name of names) {
				let result;
				try {
					result = await this.fetch_card(name);
				} catch (e) {
					result = { card: null, matches: false, failed: true };
				}
				if (!result?.failed) this.apply_card(name, result || { card: null });
			}
			await this.refresh_totals();
		})();
		try {
			await this.running;
		} finally {
			this.running = null;
		}
		return names;
	}

	stop() {
		if (this.timer) this.clear_timer(this.timer);
		this.timer = null;
		this.pending.clear();
	}
}
